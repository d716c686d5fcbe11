//! The command declarations (name, usage, arguments with defaults, examples, the
//! capability needed) and the help generated from them: `help` lists what the caller's
//! role may run, `help <command>` explains one command and says which role it needs.

use crate::access::{Capability, Role};
use crate::core::command::CommandId;
use crate::core::reply::{Reply, Table};

/// One argument of a command, for help.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArgSpec {
    /// As written in the usage line (`<email>`, `team=`, `[range]`…).
    pub name: &'static str,
    pub about: &'static str,
    /// What applies when the argument is left out (`None`: required, or nothing).
    pub default: Option<&'static str>,
}

/// The declaration of one command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandSpec {
    pub id: CommandId,
    /// The word that starts the command.
    pub name: &'static str,
    /// One line per form of the command.
    pub usage: &'static [&'static str],
    /// One sentence.
    pub summary: &'static str,
    pub args: &'static [ArgSpec],
    pub examples: &'static [&'static str],
    /// What the command needs (the reading form, for commands that also edit).
    pub capability: Capability,
    /// Whether the bare command opens a form in adapters that have forms.
    pub opens_form: bool,
}

/// How ranges are written, for the help of the report commands.
pub const RANGES_HELP: &str = "Ranges: `today`, `yesterday`, `last N days` (N from 1 to 3650), \
     `this week`, `last week`, `this month`, `last month`, a date `2023-01-01`, dates \
     `2023-01-01..2023-03-31` (both days included) or date-times \
     `2023-01-01T09:00..2023-01-01T17:30` (optionally with `Z` or an offset such as \
     `+02:00`), read in your time zone.";

const fn arg(name: &'static str, about: &'static str, default: Option<&'static str>) -> ArgSpec {
    ArgSpec {
        name,
        about,
        default,
    }
}

const CLIP: ArgSpec = arg(
    "clip",
    "count only the minutes inside the range: sessions that start before it or end after it \
     are cut at its ends (also `clip=yes`); the peak, days and hours always cover the range only",
    Some("sessions count whole, as Virbela returns them"),
);

const WHO: ArgSpec = arg(
    "<email|id>",
    "an e-mail address, a Virbela user id or a display name (quote names with spaces)",
    None,
);
const RANGE: ArgSpec = arg(
    "[range]",
    "the period to report on (see Ranges below)",
    Some("last 7 days"),
);
const REQUEST_ID: ArgSpec = arg("<ID>", "the request number, written `12` or `#12`", None);

/// In the order of [`CommandId`]'s variants (checked by a test), so [`spec`] can index.
static SPECS: [CommandSpec; 16] = [
    CommandSpec {
        id: CommandId::Help,
        name: "help",
        usage: &["help", "help <command>"],
        summary: "List the commands you may run, or explain one.",
        args: &[arg(
            "<command>",
            "a command name, e.g. `invite`",
            Some("the list of your commands"),
        )],
        examples: &["help", "help attendance"],
        capability: Capability::View,
        opens_form: false,
    },
    CommandSpec {
        id: CommandId::Users,
        name: "users",
        usage: &["users [filter]", "users pending"],
        summary: "List campus users, or the invitations not accepted yet.",
        args: &[arg(
            "[filter]",
            "part of a name or e-mail address; `pending` lists invitations not yet accepted",
            Some("everyone"),
        )],
        examples: &["users", "users blevins", "users pending"],
        capability: Capability::View,
        opens_form: false,
    },
    CommandSpec {
        id: CommandId::User,
        name: "user",
        usage: &["user <email|id>"],
        summary: "Show one user: e-mail, names, team, role and status.",
        args: &[WHO],
        examples: &["user kareem.blevins@test.com", "user zCzMQrfRK9FR"],
        capability: Capability::View,
        opens_form: false,
    },
    CommandSpec {
        id: CommandId::Invite,
        name: "invite",
        usage: &["invite <email> [key=value…]"],
        summary: "Invite a person to the campus, or update an existing member's details.",
        args: &[
            arg("<email>", "the person's e-mail address", None),
            arg("first=", "first name", None),
            arg("last=", "last name", None),
            arg("name=", "display name", Some("chosen by Virbela")),
            arg(
                "title=",
                "job title; quote words with spaces: title=\"Head of Sales\"",
                None,
            ),
            arg("team=", "team id: A–Z, AA–AZ or BA–BZ", None),
            arg(
                "role=",
                "member, leader, moderator, admin or owner (lower case); moderator and above need approval",
                Some("member"),
            ),
            arg(
                "email=",
                "when Virbela sends the invitation e-mail: all, newToVirbela, newToCampus or none",
                Some("all"),
            ),
            arg(
                "overwrite=",
                "yes to replace the details of an existing user, no to keep them",
                Some("Virbela's default"),
            ),
        ],
        examples: &[
            "invite kareem.blevins@test.com",
            "invite kareem.blevins@test.com first=Kareem last=Blevins team=B role=leader",
            "invite ana.lopez@test.com title=\"Head of Sales\" email=none",
        ],
        capability: Capability::Request,
        opens_form: true,
    },
    CommandSpec {
        id: CommandId::Suspend,
        name: "suspend",
        usage: &["suspend <email|id> [reason…]"],
        summary: "Suspend a member (reversible: a later invitation restores them); may need approval.",
        args: &[
            WHO,
            arg(
                "[reason…]",
                "why, for the approvers and the audit trail",
                Some("none"),
            ),
        ],
        examples: &[
            "suspend kareem.blevins@test.com",
            "suspend zCzMQrfRK9FR left the company",
        ],
        capability: Capability::Request,
        opens_form: true,
    },
    CommandSpec {
        id: CommandId::Delete,
        name: "delete",
        usage: &["delete <email|id> <reason…>"],
        summary: "Delete a user from the campus; irreversible, so it needs a reason and approvals.",
        args: &[
            WHO,
            arg(
                "<reason…>",
                "why (required: a deletion cannot be undone)",
                None,
            ),
        ],
        examples: &["delete kareem.blevins@test.com left the company in March"],
        capability: Capability::Request,
        opens_form: true,
    },
    CommandSpec {
        id: CommandId::Profile,
        name: "profile",
        usage: &[
            "profile <email|id>",
            "profile <email|id> set Field=Value… [unset Field…]",
            "profile <email|id> unset Field…",
        ],
        summary: "Show a member's campus profile, or set and erase its fields.",
        args: &[
            WHO,
            arg(
                "Field=Value",
                "a campus profile field and its new value (quote values with spaces)",
                None,
            ),
            arg("Field", "after `unset`: a field to erase", None),
        ],
        examples: &[
            "profile kareem.blevins@test.com",
            "profile kareem.blevins@test.com set Department=\"Product Management\" eNPS=9",
            "profile kareem.blevins@test.com unset eNPS",
        ],
        capability: Capability::View,
        opens_form: false,
    },
    CommandSpec {
        id: CommandId::Rooms,
        name: "rooms",
        usage: &["rooms [filter]"],
        summary: "List the campus rooms.",
        args: &[arg(
            "[filter]",
            "part of a room name, custom label or id",
            Some("all rooms"),
        )],
        examples: &["rooms", "rooms suite"],
        capability: Capability::View,
        opens_form: false,
    },
    CommandSpec {
        id: CommandId::Attendance,
        name: "attendance",
        usage: &["attendance <room name|id> [range] [clip]"],
        summary: "Attendance report for a room: sessions, attendees, minutes, peak, busiest day and hour, top attendees, a CSV of every session and a chart of attendees per day.",
        args: &[
            arg(
                "<room name|id>",
                "a room name, custom label or id; several words are fine, or quote them",
                None,
            ),
            RANGE,
            CLIP,
        ],
        examples: &[
            "attendance Theater last week",
            "attendance \"Team Suite\" 2023-01-01..2023-03-31",
            "attendance KJDfj5wOjA today",
            "attendance Theater last month clip",
        ],
        capability: Capability::View,
        opens_form: true,
    },
    CommandSpec {
        id: CommandId::Volume,
        name: "volume",
        usage: &["volume <volume id> [range] [clip]"],
        summary: "Attendance report for a private volume.",
        args: &[
            arg(
                "<volume id>",
                "the id `/roominfo` shows, like PR-2114767535--NewCampus",
                None,
            ),
            RANGE,
            CLIP,
        ],
        examples: &[
            "volume PR-2114767535--NewCampus",
            "volume PR-2114767535--NewCampus this month",
        ],
        capability: Capability::View,
        opens_form: false,
    },
    CommandSpec {
        id: CommandId::Waitlist,
        name: "waitlist",
        usage: &["waitlist [range] [room=SFSROOM]"],
        summary: "Waitlist report: calls, waiting times and help given per agent.",
        args: &[
            RANGE,
            arg("room=", "only this SFS room", Some("every room")),
        ],
        examples: &["waitlist last week", "waitlist this month room=HelpDesk"],
        capability: Capability::View,
        opens_form: true,
    },
    CommandSpec {
        id: CommandId::Space,
        name: "space",
        usage: &["space create <email> <first> <last> <pricingId>"],
        summary: "Create a private space for a subscriber; may need approval.",
        args: &[
            arg("<email>", "the subscriber's e-mail address", None),
            arg("<first>", "first name (quote names with spaces)", None),
            arg("<last>", "last name", None),
            arg(
                "<pricingId>",
                "the campus's number for the room type, e.g. 3",
                None,
            ),
        ],
        examples: &["space create ana.lopez@test.com Ana Lopez 3"],
        capability: Capability::Request,
        opens_form: false,
    },
    CommandSpec {
        id: CommandId::Approvals,
        name: "approvals",
        usage: &[
            "approvals [pending]",
            "approvals mine",
            "approvals show <ID>",
            "approvals approve <ID>",
            "approvals deny <ID> [reason…]",
            "approvals cancel <ID>",
        ],
        summary: "List approval requests, and approve, deny or cancel them.",
        args: &[
            REQUEST_ID,
            arg("[reason…]", "why the request is denied", Some("none")),
        ],
        examples: &[
            "approvals",
            "approvals mine",
            "approvals show #12",
            "approvals approve 12",
            "approvals deny 12 wrong person",
        ],
        capability: Capability::View,
        opens_form: false,
    },
    CommandSpec {
        id: CommandId::Roles,
        name: "roles",
        usage: &[
            "roles [list]",
            "roles grant <@user> <role>",
            "roles revoke <@user> <role>",
        ],
        summary: "Show who has which role; grant or revoke roles.",
        args: &[
            arg(
                "<@user>",
                "a Slack mention, or a principal such as slack:U012ABCDEF, teams:<id> or console:alice, or a group slack-group:S… or teams-group:…",
                None,
            ),
            arg("<role>", "viewer, operator, approver or admin", None),
        ],
        examples: &[
            "roles",
            "roles grant @bob approver",
            "roles revoke console:dave viewer",
        ],
        capability: Capability::Administer,
        opens_form: false,
    },
    CommandSpec {
        id: CommandId::Audit,
        name: "audit",
        usage: &["audit [recent]"],
        summary: "The most recent entries of the audit trail.",
        args: &[],
        examples: &["audit", "audit recent"],
        capability: Capability::Administer,
        opens_form: false,
    },
    CommandSpec {
        id: CommandId::Schedule,
        name: "schedule",
        usage: &[
            "schedule [list]",
            "schedule add attendance <room> <window> every <when> [tz=Zone] [channel=C] [grace=HOURS] [skip-empty]",
            "schedule add waitlist <window> [room=SFSROOM] every <when> [tz=Zone] [channel=C] [grace=HOURS] [skip-empty]",
            "schedule remove|pause|resume|run|preview <ID>",
        ],
        summary: "Reports posted on a schedule to a channel: add, list, pause, resume, run now, preview.",
        args: &[
            arg(
                "<window>",
                "the range each run reports on, read at the run time: `yesterday`, `last week`, `last 30 days`, `last month`…",
                None,
            ),
            arg(
                "<when>",
                "`daily 09:00`, `weekdays 08:30`, `mondays 10:00`, `1st of month 09:00`, or a 5-field cron such as `30 8 * * 1-5`",
                None,
            ),
            arg(
                "tz=",
                "an IANA time zone such as Europe/Paris",
                Some("yours"),
            ),
            arg(
                "channel=",
                "where the report is posted",
                Some("this channel"),
            ),
            arg(
                "grace=",
                "hours within which a run missed while the bot was down is still posted",
                Some("6"),
            ),
        ],
        examples: &[
            "schedule add attendance Theater last week every mondays 10:00 tz=Europe/Paris",
            "schedule add waitlist yesterday every weekdays 08:30 skip-empty",
            "schedule list",
            "schedule preview 3",
        ],
        capability: Capability::Administer,
        opens_form: false,
    },
];

/// Every command, in a stable order (the order of `help`).
pub fn specs() -> &'static [CommandSpec] {
    &SPECS
}

/// The declaration of `id`.
pub fn spec(id: CommandId) -> &'static CommandSpec {
    // SPECS follows CommandId's variant order (see the `specs_follow_the_ids` test).
    &SPECS[id as usize]
}

/// The command named `name` (ASCII case-insensitive).
pub fn find(name: &str) -> Option<&'static CommandSpec> {
    SPECS.iter().find(|s| s.name.eq_ignore_ascii_case(name))
}

/// What usage line `line` of `spec` needs, when more than the command's capability.
fn line_capability(spec: &CommandSpec, line: &str) -> Capability {
    match spec.id {
        CommandId::Profile if line.contains("set") => Capability::Request,
        CommandId::Approvals if line.contains("approve") || line.contains("deny") => {
            Capability::Decide
        }
        _ => spec.capability,
    }
}

/// Extra sentences for `help <command>`.
fn notes(id: CommandId) -> &'static [&'static str] {
    match id {
        CommandId::Approvals => &[
            "Anyone with a role may list requests. `approve` and `deny` need the approver role, \
             and nobody decides their own request. `cancel` works only on your own requests.",
        ],
        CommandId::Profile => {
            &["Reading a profile needs the viewer role; `set` and `unset` need the operator role."]
        }
        CommandId::Delete => &["A reason is required: a deletion cannot be undone."],
        CommandId::Attendance => &[
            "The longest ending of the words that reads as a range is the range; the rest is the room. \
             A last word `clip` asks for clipping: quote a room whose name ends in \"clip\".",
            RANGES_HELP,
        ],
        CommandId::Volume | CommandId::Waitlist => &[RANGES_HELP],
        _ => &[],
    }
}

fn no_role_text() -> String {
    "You have no role yet, so you cannot run any command. An admin must grant you one, e.g. \
     `roles grant @you viewer`."
        .to_string()
}

/// `help`: only the commands `role` may run (`None`: says so and that an admin must
/// grant one).
pub fn help_overview(role: Option<Role>) -> Reply {
    let Some(role) = role else {
        return Reply::ok(no_role_text()).titled("Virbela bot");
    };
    let mut table = Table::new(["Command", "What it does"]);
    for spec in SPECS.iter().filter(|s| role.can(s.capability)) {
        for line in spec
            .usage
            .iter()
            .filter(|l| role.can(line_capability(spec, l)))
        {
            let about = if line == &spec.usage[0] {
                spec.summary
            } else {
                ""
            };
            table.push([line.to_string(), about.to_string()]);
        }
    }
    Reply::ok(format!(
        "The commands your role ({role}) may run. Type `help <command>` for its arguments, \
         defaults and examples. Typed alone, `invite`, `suspend`, `delete`, `attendance` and \
         `waitlist` open a form where the app has forms."
    ))
    .titled("Virbela bot commands")
    .table(table)
}

/// `help <command>`: usage, arguments with defaults, examples; if `role` may not run it,
/// says which role is needed.
pub fn help_for(id: CommandId, role: Option<Role>) -> Reply {
    let spec = spec(id);
    let needed = spec.capability.min_role();
    let mut text = String::new();
    match role {
        None => text.push_str(&format!(
            "You have no role yet, so you cannot run `{}` (it needs the {needed} role): an admin \
             must grant you one.\n\n",
            spec.name
        )),
        Some(r) if !r.can(spec.capability) => text.push_str(&format!(
            "You cannot run `{}`: it needs the {needed} role (yours is {r}).\n\n",
            spec.name
        )),
        Some(_) => {}
    }
    text.push_str(spec.summary);
    text.push_str("\n\nUsage:");
    for line in spec.usage {
        text.push_str(&format!("\n  {line}"));
        let line_needs = line_capability(spec, line);
        if line_needs != spec.capability && !role.is_some_and(|r| r.can(line_needs)) {
            text.push_str(&format!("   (needs the {} role)", line_needs.min_role()));
        }
    }
    if spec.opens_form {
        text.push_str(&format!(
            "\nTyped alone, `{}` opens a form where the app has forms.",
            spec.name
        ));
    }
    text.push_str("\n\nExamples:");
    for example in spec.examples {
        text.push_str(&format!("\n  {example}"));
    }
    for note in notes(id) {
        text.push_str("\n\n");
        text.push_str(note);
    }
    let mut reply = Reply::ok(text).titled(format!("help {}", spec.name));
    if !spec.args.is_empty() {
        let mut table = Table::new(["Argument", "Meaning", "Default"]);
        for a in spec.args {
            table.push([a.name, a.about, a.default.unwrap_or("")]);
        }
        reply = reply.table(table);
    }
    reply
}
