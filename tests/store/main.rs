//! Store, roles, policy, approvals and audit, on both backends: every scenario runs on
//! PostgreSQL (a fresh database per test on `TEST_DATABASE_URL`, dropped afterwards;
//! the test fails when the server cannot be reached) and on SQLite (a temp file).

mod harness;

mod audit_export;
mod cli;
mod concurrency;
mod migrations;
mod policy;
mod role_groups;
mod schedules;
mod shared_files;
mod story;
mod teams;
