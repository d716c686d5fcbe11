//! A bot wired to a seeded sandbox and a test store, with the four demo people:
//! alice admin, bob approver, carol operator, dave viewer.

use serde_json::Value;
use virbela_bot::access::{Principal, Role};
use virbela_bot::approvals::ApprovalSettings;
use virbela_bot::core::{Bot, BotParts, Caller, Reply};
use virbela_bot::policy::Policy;
use virbela_bot::sandbox::{self, RunningSandbox, SandboxControl, SandboxOptions};
use virbela_bot::virbela::{ClientOptions, VirbelaClient};

use crate::harness::{TestDb, access, grant};

pub struct Bench {
    pub bot: Bot,
    pub client: VirbelaClient,
    /// Kept alive for the whole test: dropping it stops the sandbox.
    _sandbox: RunningSandbox,
    pub store: TestDb,
    control: SandboxControl,
}

impl Bench {
    pub async fn new(store: TestDb) -> Bench {
        let options = SandboxOptions::default();
        let sandbox = sandbox::spawn(options.clone(), "127.0.0.1:0".parse().expect("addr"))
            .await
            .expect("sandbox");
        let client = VirbelaClient::new(
            options.campus(&sandbox.base_url()).expect("sandbox campus"),
            ClientOptions::default(),
        )
        .expect("client");
        grant(&store.db, Role::Admin, &["console:alice"]).await;
        grant(&store.db, Role::Approver, &["console:bob"]).await;
        grant(&store.db, Role::Operator, &["console:carol"]).await;
        grant(&store.db, Role::Viewer, &["console:dave"]).await;
        let bot = Bot::new(BotParts {
            virbela: client.clone(),
            db: store.db.clone(),
            access: access(),
            policy: Policy::default(),
            approval_settings: ApprovalSettings::default(),
            default_timezone: chrono_tz::UTC,
        });
        let control = SandboxControl::new(sandbox.base_url());
        Bench {
            bot,
            client,
            _sandbox: sandbox,
            store,
            control,
        }
    }

    /// `who` types `text`.
    pub async fn say(&self, who: &str, text: &str) -> Reply {
        let principal: Principal = format!("console:{who}").parse().expect("principal");
        self.bot.handle(&Caller::new(principal), text).await
    }

    /// API calls the sandbox received (`METHOD /path`).
    pub async fn calls(&self) -> Vec<String> {
        self.control.call_lines().await.expect("sandbox log")
    }

    pub async fn clear_calls(&self) {
        self.control.delete("log").await.expect("clear log");
    }

    pub async fn control(&self, path: &str, body: Value) -> Value {
        self.control.post(path, &body).await.expect("control call")
    }

    /// Number of audit events, to prove nothing was written.
    pub async fn audit_count(&self) -> usize {
        virbela_bot::audit::recent(&self.store.db, 100_000)
            .await
            .expect("audit")
            .len()
    }

    /// The first accepted, not suspended member of the seeded campus other than `skip`.
    pub async fn member(&self, skip: &[&str]) -> (String, String) {
        use futures::TryStreamExt;
        let users: Vec<_> = self.client.users().try_collect().await.expect("users");
        let u = users
            .iter()
            .find(|u| !u.is_suspended() && u.email.as_deref().is_some_and(|e| !skip.contains(&e)))
            .expect("a member");
        (u.user_id.to_string(), u.email.clone().expect("email"))
    }
}

/// Every text of a reply, for assertions.
pub fn all_text(reply: &Reply) -> String {
    let mut out = format!(
        "{}\n{}\n",
        reply.title.clone().unwrap_or_default(),
        reply.text
    );
    for f in &reply.fields {
        out.push_str(&format!("{}: {}\n", f.label, f.value));
    }
    if let Some(t) = &reply.table {
        out.push_str(&t.columns.join(" | "));
        out.push('\n');
        for row in &t.rows {
            out.push_str(&row.join(" | "));
            out.push('\n');
        }
    }
    out
}
