//! Administration from chat: role bindings and the recent audit trail; and private
//! space requests.

use super::Turn;
use super::actions::GatedAction;
use crate::access::{Change, Subject};
use crate::core::command::RolesCommand;
use crate::core::reply::{Reply, Table};
use crate::virbela::domain::Email;
use crate::virbela::models::SpaceOrder;

impl Turn<'_> {
    pub(super) async fn roles(&self, command: RolesCommand) -> Reply {
        let access = &self.bot.access;
        let db = &self.bot.db;
        match command {
            RolesCommand::List => match access.list(db).await {
                Ok(bindings) => {
                    let mut table = Table::new(["Who", "Role", "Granted by", "When"]);
                    for b in &bindings {
                        table.push([
                            b.subject.clone(),
                            b.role.to_string(),
                            b.granted_by.clone(),
                            b.granted_at
                                .with_timezone(&self.tz)
                                .format("%Y-%m-%d %H:%M")
                                .to_string(),
                        ]);
                    }
                    let admins: Vec<String> =
                        access.bootstrap_admins().map(ToString::to_string).collect();
                    let mut reply = Reply::ok(format!("{} binding(s).", bindings.len()))
                        .titled("Roles")
                        .table(table);
                    if !admins.is_empty() {
                        reply =
                            reply.field("Bootstrap admins (BOOTSTRAP_ADMINS)", admins.join(", "));
                    }
                    reply
                }
                Err(e) => self.store_failed(&e),
            },
            RolesCommand::Grant { subject, role } => {
                let subject = match subject.parse::<Subject>() {
                    Ok(s) => s,
                    Err(e) => return Reply::usage(e.to_string()),
                };
                let granted = access
                    .grant(db, &self.caller.principal, &subject, role)
                    .await;
                self.bot.roles.clear();
                match granted {
                    Ok(Change::Done) => Reply::ok(format!("Granted {role} to {subject}.")),
                    Ok(Change::Unchanged) => {
                        Reply::ok(format!("{subject} already has the {role} role."))
                    }
                    Err(e) => self.store_failed(&e),
                }
            }
            RolesCommand::Revoke { subject, role } => {
                let subject = match subject.parse::<Subject>() {
                    Ok(s) => s,
                    Err(e) => return Reply::usage(e.to_string()),
                };
                let revoked = access
                    .revoke(db, &self.caller.principal, &subject, role)
                    .await;
                self.bot.roles.clear();
                match revoked {
                    Ok(Change::Done) => Reply::ok(format!("Revoked {role} from {subject}.")),
                    Ok(Change::Unchanged) => Reply::ok(format!(
                        "{subject} did not have the {role} role; nothing changed."
                    )),
                    Err(e) => self.store_failed(&e),
                }
            }
        }
    }

    pub(super) async fn audit_recent(&self) -> Reply {
        match crate::audit::recent(&self.bot.db, 20).await {
            Ok(events) => {
                let mut table =
                    Table::new(["When", "Who", "What", "Target", "Outcome", "Correlation id"]);
                for e in &events {
                    table.push([
                        e.occurred_at
                            .with_timezone(&self.tz)
                            .format("%Y-%m-%d %H:%M:%S")
                            .to_string(),
                        e.actor.clone(),
                        e.action.clone(),
                        e.target.clone().unwrap_or_default(),
                        e.outcome.clone(),
                        e.correlation_id.clone().unwrap_or_default(),
                    ]);
                }
                Reply::ok(format!(
                    "The {} most recent events. `virbela-bot audit export` has them all.",
                    events.len()
                ))
                .titled("Audit trail")
                .table(table)
            }
            Err(e) => self.store_failed(&e),
        }
    }

    pub(super) async fn space_create(
        &self,
        email: Email,
        first_name: String,
        last_name: String,
        pricing_id: u64,
    ) -> Reply {
        let order = SpaceOrder::new(email, first_name, last_name, pricing_id);
        self.request(GatedAction::SpaceCreate { order }, None).await
    }
}
