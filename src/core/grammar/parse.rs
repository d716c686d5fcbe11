//! Per-command parsing: from words ([`Token`]s) to a typed [`Command`], or a
//! [`UsageError`] that says exactly what is accepted and names the command it concerns.

use indexmap::IndexMap;

use super::range::{self, looks_dated, parse_range};
use super::spec::{self, find};
use super::suggest::{did_you_mean, one_of};
use super::tokens::{Token, tokenize};
use crate::access::Role;
use crate::core::command::{
    ApprovalsCommand, Command, CommandId, InviteArgs, ParseContext, RolesCommand, ScheduleAdd,
    ScheduleCommand, UsageError, UserRef,
};
use crate::virbela::domain::{DateRange, Email, InvitationEmail, Permission, TeamId, VolumeId};

/// Most words a typed range takes (`2023-01-01 09:00 .. 2023-01-02 17:00` is five).
const MAX_RANGE_WORDS: usize = 6;

const INVITE_KEYS: [&str; 8] = [
    "first",
    "last",
    "name",
    "title",
    "team",
    "role",
    "email",
    "overwrite",
];
const APPROVALS_SUBS: [&str; 6] = ["pending", "mine", "show", "approve", "deny", "cancel"];
const ROLES_SUBS: [&str; 3] = ["list", "grant", "revoke"];

/// Parses one command as typed in Slack, Teams or the console (a leading `/virbela` is
/// ignored). Nothing here panics, whatever the input.
pub fn parse(text: &str, ctx: &ParseContext) -> Result<Command, UsageError> {
    let mut tokens = tokenize(text)?;
    if tokens.first().is_some_and(|t| t.is("/virbela")) {
        tokens.remove(0);
    }
    let Some((head, args)) = tokens.split_first() else {
        return Err(UsageError::new(
            "Type a command, e.g. `help` for the list of commands you may run.",
            None,
        ));
    };
    let Some(spec) = find(&head.text) else {
        let names: Vec<&str> = spec::specs().iter().map(|s| s.name).collect();
        return Err(UsageError::new(
            format!(
                "Unknown command `{}`.{} Type `help` for the list.",
                shown(&head.text),
                did_you_mean(&head.text, &names)
            ),
            None,
        ));
    };
    let p = Parser { id: spec.id, ctx };
    match spec.id {
        CommandId::Help => p.help(args),
        CommandId::Users => p.users(args),
        CommandId::User => p.user(args),
        CommandId::Invite => p.invite(args),
        CommandId::Suspend => p.suspend(args),
        CommandId::Delete => p.delete(args),
        CommandId::Profile => p.profile(args),
        CommandId::Rooms => Ok(Command::Rooms {
            filter: filter(args),
        }),
        CommandId::Attendance => p.attendance(args),
        CommandId::Volume => p.volume(args),
        CommandId::Waitlist => p.waitlist(args),
        CommandId::Space => p.space(args),
        CommandId::Approvals => p.approvals(args),
        CommandId::Roles => p.roles(args),
        CommandId::Audit => p.audit(args),
        CommandId::Schedule => p.schedule(args),
    }
}

/// The words as one string, separated by single spaces.
fn join(tokens: &[Token]) -> String {
    let words: Vec<&str> = tokens.iter().map(|t| t.text.as_str()).collect();
    words.join(" ")
}

fn filter(args: &[Token]) -> Option<String> {
    Some(join(args)).filter(|f| !f.trim().is_empty())
}

/// User text as shown in a message: at most 60 characters.
fn shown(text: &str) -> String {
    const MAX: usize = 60;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        let cut: String = text.chars().take(MAX).collect();
        format!("{cut}…")
    }
}

/// Parsing state for one recognised command.
struct Parser<'a> {
    id: CommandId,
    ctx: &'a ParseContext,
}

impl Parser<'_> {
    fn err(&self, message: impl Into<String>) -> UsageError {
        UsageError::new(message, Some(self.id))
    }

    /// The same error, now naming this command.
    fn own(&self, e: UsageError) -> UsageError {
        UsageError {
            command: Some(self.id),
            ..e
        }
    }

    fn name(&self) -> &'static str {
        spec::spec(self.id).name
    }

    /// `Unknown subcommand `x` for `cmd`. Did you mean `y`? Use …`.
    fn unknown_sub(&self, typed: &Token, subs: &[&str], usage: &str) -> UsageError {
        self.err(format!(
            "Unknown subcommand `{}` for `{}`.{} Use {usage}.",
            shown(&typed.text),
            self.name(),
            did_you_mean(&typed.text, subs)
        ))
    }

    /// A user as typed: an e-mail when it contains `@`, else an id or display name.
    fn user_ref(&self, token: &Token) -> Result<UserRef, UsageError> {
        let text = token.text.trim();
        if text.is_empty() {
            return Err(self.err(format!(
                "`{}` needs a user: an e-mail address, a Virbela user id or a display name.",
                self.name()
            )));
        }
        if text.contains('@') {
            text.parse::<Email>()
                .map(UserRef::Email)
                .map_err(|e| self.err(e.to_string()))
        } else {
            Ok(UserRef::Word(text.to_string()))
        }
    }

    fn missing_user(&self, example: &str) -> UsageError {
        self.err(format!(
            "`{}` needs a user (an e-mail address, a Virbela user id or a display name), \
             e.g. `{example}`.",
            self.name()
        ))
    }

    fn help(&self, args: &[Token]) -> Result<Command, UsageError> {
        let Some(topic) = args.first() else {
            return Ok(Command::Help { topic: None });
        };
        match find(&topic.text) {
            Some(spec) => Ok(Command::Help {
                topic: Some(spec.id),
            }),
            None => {
                let names: Vec<&str> = spec::specs().iter().map(|s| s.name).collect();
                Err(self.err(format!(
                    "There is no command `{}`.{} Type `help` for the list, or `help <command>`, \
                     e.g. `help invite`.",
                    shown(&topic.text),
                    did_you_mean(&topic.text, &names)
                )))
            }
        }
    }

    fn users(&self, args: &[Token]) -> Result<Command, UsageError> {
        if let [one] = args {
            if one.is("pending") {
                return Ok(Command::UsersPending);
            }
            if let Some(word) = one.keyword()
                && word.chars().count() >= 4
                && strsim::damerau_levenshtein(&word, "pending") <= 2
            {
                return Err(self.err(format!(
                    "Did you mean `users pending` (invitations not yet accepted)? To list users \
                     whose name contains `{}`, quote it: `users \"{}\"`.",
                    shown(&one.text),
                    shown(&one.text)
                )));
            }
        }
        Ok(Command::Users {
            filter: filter(args),
        })
    }

    fn user(&self, args: &[Token]) -> Result<Command, UsageError> {
        match args {
            [] => Err(self.missing_user("user kareem.blevins@test.com")),
            [who] => Ok(Command::User {
                who: self.user_ref(who)?,
            }),
            [_, extra, ..] => Err(self.err(format!(
                "`user` takes one user; `{}` is extra. Quote a display name with spaces, e.g. \
                 `user \"Kareem Blevins\"`.",
                shown(&extra.text)
            ))),
        }
    }

    fn invite(&self, args: &[Token]) -> Result<Command, UsageError> {
        let Some((first, options)) = args.split_first() else {
            return Ok(Command::Form(CommandId::Invite));
        };
        if first.option().is_some() {
            return Err(self.err(format!(
                "`invite` needs the e-mail address first, then the options, e.g. \
                 `invite kareem.blevins@test.com {}`.",
                shown(&first.text)
            )));
        }
        let email: Email = first.text.parse().map_err(|e| {
            self.err(format!(
                "{e}. Write `invite <email> [key=value…]`, e.g. `invite kareem.blevins@test.com team=B`."
            ))
        })?;
        let mut args = InviteArgs {
            email,
            first_name: None,
            last_name: None,
            display_name: None,
            title: None,
            team: None,
            permission: None,
            send_email: None,
            overwrite: None,
        };
        let mut seen: Vec<String> = Vec::new();
        let keys = one_of(&INVITE_KEYS);
        for token in options {
            let Some((key, value)) = token.option() else {
                return Err(self.err(format!(
                    "Unexpected `{}`: after the e-mail address, `invite` takes options as \
                     key=value, with key one of {keys}. Quote values with spaces, e.g. \
                     `title=\"Head of Sales\"`.",
                    shown(&token.text)
                )));
            };
            let key = key.trim().to_lowercase();
            if key.is_empty() {
                return Err(self.err(format!(
                    "`{}` has no option name before `=`: use one of {keys}, e.g. `team=B`.",
                    shown(&token.text)
                )));
            }
            let Some(&key) = INVITE_KEYS.iter().find(|k| **k == key) else {
                return Err(self.err(format!(
                    "Unknown option `{}`.{} Options are {keys}.",
                    shown(&key),
                    did_you_mean(&key, &INVITE_KEYS)
                )));
            };
            if seen.iter().any(|k| k == key) {
                return Err(self.err(format!("Option `{key}=` is given twice: give it once.")));
            }
            seen.push(key.to_string());
            let value = value.trim();
            if value.is_empty() {
                return Err(self.err(format!(
                    "Option `{key}=` needs a value, e.g. `{}`.",
                    invite_example(key)
                )));
            }
            let text = Some(value.to_string());
            match key {
                "first" => args.first_name = text,
                "last" => args.last_name = text,
                "name" => args.display_name = text,
                "title" => args.title = text,
                "team" => {
                    args.team = Some(
                        value
                            .parse::<TeamId>()
                            .map_err(|e| self.err(format!("Option `team=`: {e}.")))?,
                    )
                }
                "role" => {
                    args.permission = Some(
                        value
                            .parse::<Permission>()
                            .map_err(|e| self.err(format!("Option `role=`: {e}.")))?,
                    )
                }
                "email" => {
                    args.send_email = Some(
                        value
                            .parse::<InvitationEmail>()
                            .map_err(|e| self.err(format!("Option `email=`: {e}.")))?,
                    )
                }
                _ => {
                    args.overwrite = Some(match value.to_ascii_lowercase().as_str() {
                        "yes" | "true" => true,
                        "no" | "false" => false,
                        _ => {
                            return Err(self.err(format!(
                                "Option `overwrite=`: `{}` is not a choice: use yes or no.",
                                shown(value)
                            )));
                        }
                    })
                }
            }
        }
        Ok(Command::Invite(Box::new(args)))
    }

    fn suspend(&self, args: &[Token]) -> Result<Command, UsageError> {
        let Some((who, reason)) = args.split_first() else {
            return Ok(Command::Form(CommandId::Suspend));
        };
        Ok(Command::Suspend {
            who: self.user_ref(who)?,
            reason: filter(reason),
        })
    }

    fn delete(&self, args: &[Token]) -> Result<Command, UsageError> {
        let Some((who, reason)) = args.split_first() else {
            return Ok(Command::Form(CommandId::Delete));
        };
        let who = self.user_ref(who)?;
        let Some(reason) = filter(reason) else {
            return Err(self.err(
                "`delete` needs a reason after the user: a deletion cannot be undone. \
                 Example: `delete kareem.blevins@test.com left the company in March`.",
            ));
        };
        Ok(Command::Delete {
            who,
            reason: Some(reason),
        })
    }

    fn profile(&self, args: &[Token]) -> Result<Command, UsageError> {
        let Some((who, rest)) = args.split_first() else {
            return Err(self.missing_user("profile kareem.blevins@test.com"));
        };
        let who = self.user_ref(who)?;
        if rest.is_empty() {
            return Ok(Command::Profile { who });
        }
        #[derive(PartialEq)]
        enum Mode {
            Set,
            Unset,
        }
        let mut mode: Option<Mode> = None;
        let mut section_len = 0usize;
        let mut set: IndexMap<String, String> = IndexMap::new();
        let mut unset: Vec<String> = Vec::new();
        let empty_section = |mode: &Mode| match mode {
            Mode::Set => self.err(
                "`profile <user> set` needs at least one Field=Value, e.g. \
                 `profile kareem.blevins@test.com set Department=Sales`.",
            ),
            Mode::Unset => self.err(
                "`profile <user> unset` needs at least one field name, e.g. \
                 `profile kareem.blevins@test.com unset eNPS`.",
            ),
        };
        for token in rest {
            let switch = if token.is("set") {
                Some(Mode::Set)
            } else if token.is("unset") {
                Some(Mode::Unset)
            } else {
                None
            };
            if let Some(next) = switch {
                if let Some(current) = &mode
                    && section_len == 0
                {
                    return Err(empty_section(current));
                }
                mode = Some(next);
                section_len = 0;
                continue;
            }
            section_len += 1;
            match mode {
                None => {
                    return Err(self.err(format!(
                        "Unexpected `{}` after the user.{} Write `profile <user>` to read it, \
                         `profile <user> set Field=Value…` or `profile <user> unset Field…` to \
                         change it.",
                        shown(&token.text),
                        did_you_mean(&token.text, &["set", "unset"])
                    )));
                }
                Some(Mode::Set) => {
                    let Some((field, value)) = token.option() else {
                        return Err(self.err(format!(
                            "`{}` is not Field=Value: after `set`, write Field=Value (quote values \
                             with spaces, e.g. `Department=\"Product Management\"`); to erase a \
                             field, write `unset Field`.",
                            shown(&token.text)
                        )));
                    };
                    let field = field.trim();
                    if field.is_empty() {
                        return Err(self.err(format!(
                            "`{}` has no field name before `=`: write Field=Value, e.g. \
                             `Department=Sales`.",
                            shown(&token.text)
                        )));
                    }
                    if value.trim().is_empty() {
                        return Err(self.err(format!(
                            "`{field}=` has no value: write `{field}=Value`, or `unset {field}` to \
                             erase it."
                        )));
                    }
                    if set.contains_key(field) {
                        return Err(self.err(format!("Field `{field}` is set twice: set it once.")));
                    }
                    set.insert(field.to_string(), value.trim().to_string());
                }
                Some(Mode::Unset) => {
                    let field = token.text.trim();
                    if token.option().is_some() || field.is_empty() {
                        return Err(self.err(format!(
                            "`{}` is not a field name: after `unset`, write only the names of \
                             the fields to erase, e.g. `unset eNPS Department`.",
                            shown(&token.text)
                        )));
                    }
                    if unset.iter().any(|f| f == field) {
                        return Err(
                            self.err(format!("Field `{field}` is unset twice: name it once."))
                        );
                    }
                    unset.push(field.to_string());
                }
            }
        }
        if let Some(current) = &mode
            && section_len == 0
        {
            return Err(empty_section(current));
        }
        if let Some(both) = unset.iter().find(|f| set.contains_key(f.as_str())) {
            return Err(self.err(format!("Field `{both}` is both set and unset: choose one.")));
        }
        Ok(Command::ProfileEdit { who, set, unset })
    }

    fn range_or_default(&self, words: &[Token]) -> Result<(DateRange, String), UsageError> {
        if words.is_empty() {
            range::default_range(self.ctx)
        } else {
            parse_range(&join(words), self.ctx)
        }
        .map_err(|e| self.own(e))
    }

    /// Takes the clipping option out of an attendance report's words: `clip=yes|no`
    /// anywhere, or a bare `clip` as the last word when other words remain (a room whose
    /// name ends in "clip" is quoted).
    fn clip_option(&self, args: &[Token]) -> Result<(Vec<Token>, bool), UsageError> {
        let twice = || self.err("Option `clip` is given twice: give it once.");
        let mut clip = None;
        let mut rest = Vec::with_capacity(args.len());
        for token in args {
            match token.option() {
                Some((key, value)) if !token.quoted && key.trim().eq_ignore_ascii_case("clip") => {
                    if clip.is_some() {
                        return Err(twice());
                    }
                    clip = Some(match value.trim().to_lowercase().as_str() {
                        "yes" | "true" | "on" => true,
                        "no" | "false" | "off" => false,
                        other => {
                            return Err(self.err(format!(
                                "Option `clip=` takes `yes` or `no`, not `{}`.",
                                shown(other)
                            )));
                        }
                    });
                }
                _ => rest.push(token.clone()),
            }
        }
        if rest.len() > 1 && rest.last().is_some_and(|t| t.is("clip")) {
            if clip.is_some() {
                return Err(twice());
            }
            rest.pop();
            clip = Some(true);
        }
        Ok((rest, clip.unwrap_or(false)))
    }

    fn attendance(&self, args: &[Token]) -> Result<Command, UsageError> {
        if args.is_empty() {
            return Ok(Command::Form(CommandId::Attendance));
        }
        let (args, clip) = self.clip_option(args)?;
        let args = &args[..];
        let n = args.len();
        // The longest suffix of plain words that reads as a range.
        let mut split = None;
        for k in (1..=n.min(MAX_RANGE_WORDS)).rev() {
            let suffix = &args[n - k..];
            if suffix.iter().any(|t| t.quoted) {
                continue;
            }
            if let Ok(found) = parse_range(&join(suffix), self.ctx) {
                split = Some((n - k, found));
                break;
            }
        }
        let (room_words, (range, range_label)) = match split {
            Some((at, found)) => (&args[..at], found),
            None => {
                // A last word that starts like a date but is not one is a mistake to report,
                // not part of the room's name.
                if let Some(last) = args.last().filter(|t| !t.quoted && looks_dated(&t.text)) {
                    parse_range(&last.text, self.ctx).map_err(|e| self.own(e))?;
                }
                (args, self.range_or_default(&[])?)
            }
        };
        let Some(room) = filter(room_words) else {
            return Err(self.err(
                "`attendance` needs a room before the range, e.g. `attendance Theater last week` \
                 or `attendance \"Team Suite\" today`.",
            ));
        };
        Ok(Command::Attendance {
            room,
            range,
            range_label,
            clip,
        })
    }

    fn volume(&self, args: &[Token]) -> Result<Command, UsageError> {
        let (args, clip) = self.clip_option(args)?;
        let Some((id, rest)) = args.split_first() else {
            return Err(self.err(
                "`volume` needs a private volume id, e.g. `volume PR-2114767535--NewCampus last week`.",
            ));
        };
        let volume: VolumeId = id.text.parse().map_err(|e| self.err(format!("{e}.")))?;
        let (range, range_label) = self.range_or_default(rest)?;
        Ok(Command::Volume {
            volume,
            range,
            range_label,
            clip,
        })
    }

    fn waitlist(&self, args: &[Token]) -> Result<Command, UsageError> {
        if args.is_empty() {
            return Ok(Command::Form(CommandId::Waitlist));
        }
        let mut sfs_room: Option<String> = None;
        let mut words: Vec<Token> = Vec::new();
        for token in args {
            let Some((key, value)) = token.option() else {
                words.push(token.clone());
                continue;
            };
            let key = key.trim().to_lowercase();
            if key != "room" {
                return Err(self.err(format!(
                    "Unknown option `{}`.{} `waitlist` takes a range and `room=SFSROOM`, e.g. \
                     `waitlist last week room=HelpDesk`.",
                    shown(&key),
                    did_you_mean(&key, &["room"])
                )));
            }
            if sfs_room.is_some() {
                return Err(self.err("Option `room=` is given twice: give it once."));
            }
            let value = value.trim();
            if value.is_empty() {
                return Err(self.err("Option `room=` needs a value, e.g. `room=HelpDesk`."));
            }
            sfs_room = Some(value.to_string());
        }
        let (range, range_label) = self.range_or_default(&words)?;
        Ok(Command::Waitlist {
            range,
            range_label,
            sfs_room,
        })
    }

    fn space(&self, args: &[Token]) -> Result<Command, UsageError> {
        const USAGE: &str = "`space create <email> <first> <last> <pricingId>`, e.g. \
                             `space create ana.lopez@test.com Ana Lopez 3`";
        let Some((sub, rest)) = args.split_first() else {
            return Err(self.err(format!("`space` needs a subcommand: {USAGE}.")));
        };
        if !sub.is("create") {
            return Err(self.unknown_sub(sub, &["create"], USAGE));
        }
        const NAMES: [&str; 4] = ["<email>", "<first>", "<last>", "<pricingId>"];
        let [email, first, last, pricing] = rest else {
            if rest.len() < NAMES.len() {
                let missing = NAMES[rest.len()..].join(" ");
                return Err(self.err(format!(
                    "`space create` needs 4 values; missing {missing}. Use {USAGE}."
                )));
            }
            return Err(self.err(format!(
                "`space create` takes exactly 4 values; `{}` is extra. Quote names with spaces. \
                 Use {USAGE}.",
                shown(&rest[NAMES.len()].text)
            )));
        };
        let email: Email = email.text.parse().map_err(|e| self.err(format!("{e}.")))?;
        for (token, what) in [(first, "first name"), (last, "last name")] {
            if token.text.trim().is_empty() {
                return Err(self.err(format!("The {what} is empty. Use {USAGE}.")));
            }
        }
        let digits = pricing.text.trim();
        let pricing_id = digits
            .parse::<u64>()
            .ok()
            .filter(|_| digits.chars().all(|c| c.is_ascii_digit()))
            .ok_or_else(|| {
                self.err(format!(
                    "`{}` is not a pricing id: use the campus's number for the room type, e.g. `3`.",
                    shown(digits)
                ))
            })?;
        Ok(Command::SpaceCreate {
            email,
            first_name: first.text.trim().to_string(),
            last_name: last.text.trim().to_string(),
            pricing_id,
        })
    }

    /// `12` or `#12`, a positive number.
    fn request_id(&self, sub: &str, token: Option<&Token>) -> Result<i64, UsageError> {
        let Some(token) = token else {
            return Err(self.err(format!(
                "`approvals {sub}` needs a request id, e.g. `approvals {sub} 12`."
            )));
        };
        let text = token.text.trim();
        let digits = text.strip_prefix('#').unwrap_or(text);
        digits
            .parse::<i64>()
            .ok()
            .filter(|id| *id > 0 && digits.chars().all(|c| c.is_ascii_digit()))
            .ok_or_else(|| {
                self.err(format!(
                    "`{}` is not a request id: write the number shown with the request, e.g. \
                     `12` or `#12`.",
                    shown(text)
                ))
            })
    }

    fn no_more(&self, what: &str, extra: &[Token]) -> Result<(), UsageError> {
        match extra.first() {
            None => Ok(()),
            Some(t) => Err(self.err(format!(
                "`{what}` takes nothing more; `{}` is extra.",
                shown(&t.text)
            ))),
        }
    }

    fn approvals(&self, args: &[Token]) -> Result<Command, UsageError> {
        const USAGE: &str =
            "`pending`, `mine`, `show ID`, `approve ID`, `deny ID [reason…]` or `cancel ID`";
        let Some((sub, rest)) = args.split_first() else {
            return Ok(Command::Approvals(ApprovalsCommand::Pending));
        };
        let Some(word) = sub
            .keyword()
            .filter(|w| APPROVALS_SUBS.contains(&w.as_str()))
        else {
            return Err(self.unknown_sub(sub, &APPROVALS_SUBS, USAGE));
        };
        let one_id = |rest: &[Token]| -> Result<i64, UsageError> {
            let id = self.request_id(&word, rest.first())?;
            self.no_more(
                &format!("approvals {word} {id}"),
                rest.get(1..).unwrap_or(&[]),
            )?;
            Ok(id)
        };
        let command = match word.as_str() {
            "pending" => {
                self.no_more("approvals pending", rest)?;
                ApprovalsCommand::Pending
            }
            "mine" => {
                self.no_more("approvals mine", rest)?;
                ApprovalsCommand::Mine
            }
            "show" => ApprovalsCommand::Show(one_id(rest)?),
            "approve" => ApprovalsCommand::Approve(one_id(rest)?),
            "cancel" => ApprovalsCommand::Cancel(one_id(rest)?),
            _ => {
                let id = self.request_id("deny", rest.first())?;
                let reason = filter(rest.get(1..).unwrap_or(&[]));
                ApprovalsCommand::Deny { id, reason }
            }
        };
        Ok(Command::Approvals(command))
    }

    fn roles(&self, args: &[Token]) -> Result<Command, UsageError> {
        const USAGE: &str = "`list`, `grant <@user> <role>` or `revoke <@user> <role>`";
        let Some((sub, rest)) = args.split_first() else {
            return Ok(Command::Roles(RolesCommand::List));
        };
        let Some(word) = sub.keyword().filter(|w| ROLES_SUBS.contains(&w.as_str())) else {
            return Err(self.unknown_sub(sub, &ROLES_SUBS, USAGE));
        };
        if word == "list" {
            self.no_more("roles list", rest)?;
            return Ok(Command::Roles(RolesCommand::List));
        }
        let roles = one_of(&Role::ALL.map(Role::as_str));
        let example = format!("`roles {word} @bob approver`");
        let (subject, role) = match rest {
            [] => {
                return Err(self.err(format!(
                    "`roles {word}` needs a user and a role ({roles}), e.g. {example}."
                )));
            }
            [_] => {
                return Err(self.err(format!(
                    "`roles {word}` needs a role after the user: {roles}. Example: {example}."
                )));
            }
            [subject, role] => (subject, role),
            [_, _, extra, ..] => {
                return Err(self.err(format!(
                    "`roles {word}` takes a user and a role; `{}` is extra. Example: {example}.",
                    shown(&extra.text)
                )));
            }
        };
        let subject_text = subject.text.trim();
        if subject_text.is_empty() {
            return Err(self.err(format!("`roles {word}` needs a user, e.g. {example}.")));
        }
        let role: Role = match role.text.parse() {
            Ok(role) => role,
            Err(_) if subject_text.parse::<Role>().is_ok() => {
                return Err(self.err(format!(
                    "`{}` is a role, not a user: write the user first, then the role, e.g. \
                     {example}.",
                    shown(subject_text)
                )));
            }
            Err(e) => return Err(self.err(format!("{e}. Example: {example}."))),
        };
        let subject = subject_text.to_string();
        Ok(Command::Roles(if word == "grant" {
            RolesCommand::Grant { subject, role }
        } else {
            RolesCommand::Revoke { subject, role }
        }))
    }

    fn audit(&self, args: &[Token]) -> Result<Command, UsageError> {
        match args {
            [] => Ok(Command::AuditRecent),
            [sub, rest @ ..] if sub.is("recent") => {
                self.no_more("audit recent", rest)?;
                Ok(Command::AuditRecent)
            }
            [sub, ..] => Err(self.unknown_sub(sub, &["recent"], "`audit` or `audit recent`")),
        }
    }
}

const SCHEDULE_SUBS: [&str; 7] = ["list", "add", "remove", "pause", "resume", "run", "preview"];

/// `schedule …` (DESIGN.md §4, scheduled reports).
impl Parser<'_> {
    fn schedule(&self, args: &[Token]) -> Result<Command, UsageError> {
        const USAGE: &str =
            "`list`, `add …`, `remove ID`, `pause ID`, `resume ID`, `run ID` or `preview ID`";
        let Some((sub, rest)) = args.split_first() else {
            return Ok(Command::Schedule(ScheduleCommand::List));
        };
        let Some(word) = sub
            .keyword()
            .filter(|w| SCHEDULE_SUBS.contains(&w.as_str()))
        else {
            return Err(self.unknown_sub(sub, &SCHEDULE_SUBS, USAGE));
        };
        let id = |rest: &[Token]| -> Result<i64, UsageError> {
            let Some(token) = rest.first() else {
                return Err(self.err(format!(
                    "`schedule {word}` needs a schedule id, e.g. `schedule {word} 3` (see `schedule list`)."
                )));
            };
            let id = token
                .text
                .trim_start_matches('#')
                .parse::<i64>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| {
                    self.err(format!(
                        "`{}` is not a schedule id: use the number `schedule list` shows, e.g. `schedule {word} 3`.",
                        shown(&token.text)
                    ))
                })?;
            self.no_more(
                &format!("schedule {word} {id}"),
                rest.get(1..).unwrap_or(&[]),
            )?;
            Ok(id)
        };
        let command = match word.as_str() {
            "list" => {
                self.no_more("schedule list", rest)?;
                ScheduleCommand::List
            }
            "add" => ScheduleCommand::Add(Box::new(self.schedule_add(rest)?)),
            "remove" => ScheduleCommand::Remove(id(rest)?),
            "pause" => ScheduleCommand::Pause(id(rest)?),
            "resume" => ScheduleCommand::Resume(id(rest)?),
            "run" => ScheduleCommand::Run(id(rest)?),
            _ => ScheduleCommand::Preview(id(rest)?),
        };
        Ok(Command::Schedule(command))
    }

    fn schedule_add(&self, args: &[Token]) -> Result<ScheduleAdd, UsageError> {
        const EXAMPLE: &str =
            "`schedule add attendance Theater last week every mondays 10:00 tz=Europe/Paris`";
        let Some((kind, rest)) = args.split_first() else {
            return Err(self.err(format!(
                "`schedule add` needs a report (`attendance` or `waitlist`), a window and `every <when>`, e.g. {EXAMPLE}."
            )));
        };
        let kind = match kind.keyword().as_deref() {
            Some("attendance") => "attendance",
            Some("waitlist") => "waitlist",
            _ => {
                return Err(self.err(format!(
                    "`{}` is not a report that can be scheduled: use `attendance` or `waitlist`, e.g. {EXAMPLE}.",
                    shown(&kind.text)
                )));
            }
        };
        let Some(every) = rest.iter().position(|t| !t.quoted && t.is("every")) else {
            return Err(self.err(format!(
                "`schedule add` needs `every <when>` after the window, e.g. {EXAMPLE}."
            )));
        };
        let (report, after) = (&rest[..every], &rest[every + 1..]);
        let mut add = ScheduleAdd {
            kind: kind.to_string(),
            args: String::new(),
            window: String::new(),
            when: String::new(),
            tz: None,
            channel: None,
            grace_hours: None,
            skip_empty: false,
        };
        let mut when_words = Vec::new();
        for token in after {
            if let Some((key, value)) = token.option() {
                match key.to_ascii_lowercase().as_str() {
                    "tz" => {
                        add.tz = Some(value.parse().map_err(|_| {
                            self.err(format!(
                                "`{}` is not an IANA time zone: write e.g. `tz=Europe/Paris` or `tz=America/New_York`.",
                                shown(value)
                            ))
                        })?);
                    }
                    "channel" => {
                        let channel = value.trim().trim_start_matches('#');
                        if channel.is_empty() {
                            return Err(self
                                .err("`channel=` needs a channel id, e.g. `channel=C012AB3CD`."));
                        }
                        add.channel = Some(channel.to_string());
                    }
                    "grace" => {
                        let hours = value.trim().trim_end_matches('h');
                        add.grace_hours = Some(
                            hours.parse::<u32>().ok().filter(|h| *h <= 168).ok_or_else(|| {
                                self.err(format!(
                                    "`grace={}` is not a number of hours from 0 to 168, e.g. `grace=6`.",
                                    shown(value)
                                ))
                            })?,
                        );
                    }
                    _ => {
                        return Err(self.err(format!(
                            "Unknown option `{}=` for `schedule add`: use `tz=`, `channel=`, `grace=` or `skip-empty`.",
                            shown(key)
                        )));
                    }
                }
            } else if token.is("skip-empty") || token.is("skip_empty") {
                add.skip_empty = true;
            } else {
                when_words.push(token.text.clone());
            }
        }
        let cadence = crate::schedule::Cadence::parse(&when_words.join(" "))
            .map_err(|e| self.err(e.to_string()))?;
        add.when = cadence.as_str().to_string();
        let ctx = ParseContext {
            now: self.ctx.now,
            tz: add.tz.unwrap_or(self.ctx.tz),
        };
        // The longest ending of the plain words that reads as a range is the window.
        let options: Vec<&Token> = report.iter().filter(|t| t.option().is_some()).collect();
        let words: Vec<&Token> = report.iter().filter(|t| t.option().is_none()).collect();
        let n = words.len();
        let mut split = None;
        for k in (1..=n.min(MAX_RANGE_WORDS)).rev() {
            let suffix = &words[n - k..];
            if suffix.iter().any(|t| t.quoted) {
                continue;
            }
            let text = suffix
                .iter()
                .map(|t| t.text.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            if parse_range(&text, &ctx).is_ok() {
                split = Some((n - k, text));
                break;
            }
        }
        let Some((at, window)) = split else {
            return Err(self.err(format!(
                "`schedule add` needs a window before `every`, such as `yesterday`, `last week` or `last 30 days`, e.g. {EXAMPLE}."
            )));
        };
        add.window = window.to_lowercase();
        let quote = |t: &Token| {
            if t.text.chars().any(char::is_whitespace) {
                format!("\"{}\"", t.text)
            } else {
                t.text.clone()
            }
        };
        let mut args: Vec<String> = words[..at].iter().map(|t| quote(t)).collect();
        match kind {
            "attendance" => {
                if args.is_empty() {
                    return Err(self.err(format!(
                        "`schedule add attendance` needs a room before the window, e.g. {EXAMPLE}."
                    )));
                }
                if let Some(option) = options.first() {
                    return Err(self.err(format!(
                        "`{}` is not an option of a scheduled attendance report.",
                        shown(&option.text)
                    )));
                }
            }
            _ => {
                if let Some(extra) = args.first() {
                    return Err(self.err(format!(
                        "`{}` is extra: a scheduled waitlist takes a window and optionally `room=SFSROOM`, e.g. `schedule add waitlist yesterday room=SFS1 every daily 09:00`.",
                        shown(extra)
                    )));
                }
                for option in &options {
                    match option.option() {
                        Some((key, value))
                            if key.eq_ignore_ascii_case("room") && !value.is_empty() =>
                        {
                            if value.chars().any(char::is_whitespace) {
                                args.push(format!("room=\"{value}\""));
                            } else {
                                args.push(format!("room={value}"));
                            }
                        }
                        _ => {
                            return Err(self.err(format!(
                                "`{}` is not an option of a scheduled waitlist: use `room=SFSROOM`.",
                                shown(&option.text)
                            )));
                        }
                    }
                }
            }
        }
        add.args = args.join(" ");
        Ok(add)
    }
}

/// An example value for an invitation option.
fn invite_example(key: &str) -> &'static str {
    match key {
        "first" => "first=Kareem",
        "last" => "last=Blevins",
        "name" => "name=KBlevins",
        "title" => "title=\"Head of Sales\"",
        "team" => "team=B",
        "role" => "role=member",
        "email" => "email=none",
        _ => "overwrite=yes",
    }
}
