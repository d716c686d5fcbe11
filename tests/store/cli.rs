//! The shell commands `migrate`, `roles grant|revoke|list` and `audit export`, through
//! their handlers, on each backend.

use virbela_bot::access::cli::RolesCommand;
use virbela_bot::audit::cli::AuditCommand;
use virbela_bot::config::Config;

use crate::harness::{TestDb, on_both, p};

on_both!(shell_commands_manage_roles_and_export_the_audit);

fn config(t: &TestDb) -> Config {
    let url = t.url.expose().to_string();
    Config::from_sources(None, &|name| match name {
        "DATABASE_URL" => Some(url.clone()),
        "BOOTSTRAP_ADMINS" => Some("console:root".into()),
        _ => None,
    })
    .expect("config")
}

async fn roles(config: &Config, command: RolesCommand) -> String {
    let mut out = Vec::new();
    virbela_bot::access::cli::run(config, command, &p("console:ops"), &mut out)
        .await
        .expect("roles");
    String::from_utf8(out).expect("utf-8")
}

async fn shell_commands_manage_roles_and_export_the_audit(t: TestDb) {
    let config = config(&t);
    let mut out = Vec::new();
    virbela_bot::store::cli::migrate(&config, &mut out)
        .await
        .expect("migrate");
    assert!(String::from_utf8_lossy(&out).starts_with("migrations applied to"));

    let grant = |principal: &str, role: &str| RolesCommand::Grant {
        principal: principal.into(),
        role: role.into(),
    };
    assert_eq!(
        roles(&config, grant("slack:U1", "approver")).await,
        "granted approver to slack:U1\n"
    );
    assert_eq!(
        roles(&config, grant("slack:U1", "approver")).await,
        "slack:U1 already had approver\n"
    );
    let list = roles(&config, RolesCommand::List).await;
    assert!(
        list.contains("console:root") && list.contains("BOOTSTRAP_ADMINS"),
        "{list}"
    );
    assert!(
        list.lines().any(|l| l.starts_with("slack:U1")
            && l.contains("approver")
            && l.contains("console:ops"))
    );
    let revoke = RolesCommand::Revoke {
        principal: "console:root".into(),
        role: "admin".into(),
    };
    assert!(roles(&config, revoke).await.contains("stays admin"));
    let mut refused = Vec::new();
    let bad = virbela_bot::access::cli::run(
        &config,
        grant("alice", "admin"),
        &p("console:ops"),
        &mut refused,
    )
    .await;
    assert!(bad.is_err_and(|e| e.contains("not a principal")));

    let mut csv = Vec::new();
    let export = AuditCommand::Export {
        since: Some("2000-01-01".into()),
        format: "csv".into(),
    };
    virbela_bot::audit::cli::run(&config, export, &mut csv)
        .await
        .expect("export");
    let csv = String::from_utf8(csv).expect("utf-8");
    assert_eq!(
        csv.lines().count(),
        4,
        "header + grant, grant, revoke: {csv}"
    );
    assert!(
        csv.lines()
            .skip(1)
            .all(|l| l.contains(",console:ops,role.")),
        "{csv}"
    );
    let bad_format = AuditCommand::Export {
        since: None,
        format: "xml".into(),
    };
    let refused = virbela_bot::audit::cli::run(&config, bad_format, &mut Vec::new()).await;
    assert!(refused.is_err_and(|e| e.contains("csv or jsonl")));
}
