//! `virbela-bot roles grant|revoke|list` on the shell: bootstrap and break-glass role
//! management. The acting principal is `console:<login name>`; every change is audited.

use std::io::Write;

use clap::Subcommand;

use super::{Access, Change, Principal, Role, Subject};
use crate::config::Config;
use crate::store::Db;

#[derive(Debug, Subcommand)]
pub enum RolesCommand {
    /// Bind a role to a principal (slack:U…, teams:…, console:…) or a group
    /// (slack-group:S…, teams-group:…).
    Grant {
        principal: String,
        /// viewer, operator, approver or admin.
        role: String,
    },
    /// Remove a role binding.
    Revoke { principal: String, role: String },
    /// List every binding, and the bootstrap admins.
    List,
}

/// The principal the shell acts as: `console:$USER` (or `$LOGNAME`, `%USERNAME%`).
pub fn shell_principal() -> Principal {
    let name = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "unknown".to_string());
    Principal::console(&name)
}

/// Runs a `roles` subcommand against the configured store, writing what it did to `out`.
pub async fn run(
    config: &Config,
    command: RolesCommand,
    actor: &Principal,
    out: &mut dyn Write,
) -> Result<(), String> {
    let access = Access::new(&config.bootstrap_admins).map_err(|e| e.to_string())?;
    let db = Db::open(&config.database_url)
        .await
        .map_err(|e| e.to_string())?;
    let result = execute(&db, &access, command, actor, out).await;
    db.close().await;
    result
}

async fn execute(
    db: &Db,
    access: &Access,
    command: RolesCommand,
    actor: &Principal,
    out: &mut dyn Write,
) -> Result<(), String> {
    let parse = |subject: &str, role: &str| -> Result<(Subject, Role), String> {
        Ok((
            subject.parse().map_err(|e| format!("{e}"))?,
            role.parse().map_err(|e| format!("{e}"))?,
        ))
    };
    let written = match command {
        RolesCommand::Grant { principal, role } => {
            let (subject, role) = parse(&principal, &role)?;
            let change = access
                .grant(db, actor, &subject, role)
                .await
                .map_err(|e| e.to_string())?;
            match change {
                Change::Done => writeln!(out, "granted {role} to {subject}"),
                Change::Unchanged => writeln!(out, "{subject} already had {role}"),
            }
        }
        RolesCommand::Revoke { principal, role } => {
            let (subject, role) = parse(&principal, &role)?;
            let change = access
                .revoke(db, actor, &subject, role)
                .await
                .map_err(|e| e.to_string())?;
            let bootstrap =
                matches!(&subject, Subject::Principal(p) if access.is_bootstrap_admin(p));
            match change {
                Change::Done => writeln!(out, "revoked {role} from {subject}"),
                Change::Unchanged => writeln!(out, "{subject} did not have {role}"),
            }
            .and_then(|()| {
                if bootstrap {
                    writeln!(
                        out,
                        "note: {subject} is in BOOTSTRAP_ADMINS and stays admin"
                    )
                } else {
                    Ok(())
                }
            })
        }
        RolesCommand::List => {
            let bindings = access.list(db).await.map_err(|e| e.to_string())?;
            list(access, &bindings, out)
        }
    };
    written.map_err(|e| format!("cannot write the output: {e}"))
}

fn list(
    access: &Access,
    bindings: &[crate::store::role_bindings::RoleBinding],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    writeln!(
        out,
        "{:<40} {:<9} {:<30} granted at",
        "subject", "role", "granted by"
    )?;
    for admin in access.bootstrap_admins() {
        writeln!(
            out,
            "{:<40} {:<9} {:<30} -",
            admin.to_string(),
            "admin",
            "BOOTSTRAP_ADMINS"
        )?;
    }
    for b in bindings {
        writeln!(
            out,
            "{:<40} {:<9} {:<30} {}",
            b.subject,
            b.role.as_str(),
            b.granted_by,
            b.granted_at.format("%Y-%m-%d %H:%M:%S UTC")
        )?;
    }
    if bindings.is_empty() && access.bootstrap_admins().next().is_none() {
        writeln!(
            out,
            "no role bindings: nobody has access (grant one with `virbela-bot roles grant`)"
        )?;
    }
    Ok(())
}
