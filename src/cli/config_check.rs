//! `virbela-bot config check`: loads the configuration (a setting that cannot be read
//! stops it there, named), prints every setting with secrets redacted and the policy,
//! probes the store, then lists the [`findings`](super::findings) on stderr. Exit 1 on
//! any error; warnings are printed and exit 0.

use std::path::Path;
use std::process::ExitCode;

use super::db_probe;
use super::findings::{Severity, findings};
use crate::config::Config;
use crate::policy::Policy;

/// Runs the check; `Err` is a configuration that could not even be loaded.
pub async fn main(config_file: Option<&Path>) -> Result<ExitCode, String> {
    let config = Config::load(config_file).map_err(|e| e.to_string())?;
    print!("{}", config.report());
    // A broken [policy] is a finding below; a good one is shown in full.
    if let Ok(policy) = Policy::from_config(&config) {
        for (action, approvals) in policy.entries() {
            println!("policy {action} = {approvals} approval(s)");
        }
        println!(
            "policy schedules = {} (the lowest role that manages scheduled reports)",
            policy.schedule_role()
        );
    }
    let mut found = findings(&config);
    match db_probe::probe(&config.database_url).await {
        Ok(line) => println!("database: {line}"),
        Err(finding) => found.push(finding),
    }
    for finding in &found {
        eprintln!("{finding}");
    }
    let count = |severity| found.iter().filter(|f| f.severity == severity).count();
    let (errors, warnings) = (count(Severity::Error), count(Severity::Warning));
    if errors > 0 {
        eprintln!("configuration has {errors} error(s) and {warnings} warning(s)");
        return Ok(ExitCode::FAILURE);
    }
    if warnings > 0 {
        println!("configuration ok ({warnings} warning(s))");
    } else {
        println!("configuration ok");
    }
    Ok(ExitCode::SUCCESS)
}
