//! `Reply`: the platform-neutral answer to a command. Adapters render it (console text,
//! Slack Block Kit, Teams Adaptive Cards) and need nothing more than what is here.

/// Who sees the reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Visibility {
    /// Only the person who asked (Slack ephemeral, Teams personal).
    #[default]
    Caller,
    /// Everyone in the channel or conversation.
    Channel,
}

/// How the command ended; adapters map it (the console to exit codes 0, 1, 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Status {
    /// Done (or read).
    #[default]
    Ok,
    /// Waiting for approval: nothing was done yet.
    Pending,
    /// Not allowed, or refused by a rule (no role, own request, already decided…).
    Refused,
    /// Virbela or the store failed.
    Failed,
    /// The command could not be understood; the reply says what is accepted.
    Usage,
}

/// A labelled value (`Email: a@b.c`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Field {
    pub label: String,
    pub value: String,
}

/// Rows under column headers; every row has one cell per column.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// How a button looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ButtonStyle {
    #[default]
    Default,
    Primary,
    Danger,
}

/// A button. `id` is stable (e.g. `approval.approve`) and `value` says what it acts on
/// (e.g. the request id); pressing it runs `command` as the person who pressed it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReplyAction {
    pub id: String,
    pub label: String,
    pub value: String,
    /// The command text pressing the button stands for (`approvals approve 12`).
    pub command: String,
    pub style: ButtonStyle,
}

/// A file that goes with the reply (CSV, PNG…).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Attachment {
    pub filename: String,
    pub media_type: String,
    pub bytes: Vec<u8>,
}

/// The answer to a command.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Reply {
    pub title: Option<String>,
    pub text: String,
    pub fields: Vec<Field>,
    pub table: Option<Table>,
    pub actions: Vec<ReplyAction>,
    pub attachments: Vec<Attachment>,
    pub visibility: Visibility,
    pub status: Status,
}

impl Reply {
    pub fn ok(text: impl Into<String>) -> Reply {
        Reply {
            text: text.into(),
            ..Reply::default()
        }
    }

    pub fn usage(text: impl Into<String>) -> Reply {
        Reply {
            text: text.into(),
            status: Status::Usage,
            ..Reply::default()
        }
    }

    pub fn refused(text: impl Into<String>) -> Reply {
        Reply {
            text: text.into(),
            status: Status::Refused,
            ..Reply::default()
        }
    }

    pub fn failed(text: impl Into<String>) -> Reply {
        Reply {
            text: text.into(),
            status: Status::Failed,
            ..Reply::default()
        }
    }

    pub fn pending(text: impl Into<String>) -> Reply {
        Reply {
            text: text.into(),
            status: Status::Pending,
            ..Reply::default()
        }
    }

    pub fn titled(mut self, title: impl Into<String>) -> Reply {
        self.title = Some(title.into());
        self
    }

    pub fn field(mut self, label: impl Into<String>, value: impl Into<String>) -> Reply {
        self.fields.push(Field {
            label: label.into(),
            value: value.into(),
        });
        self
    }

    pub fn table(mut self, table: Table) -> Reply {
        self.table = Some(table);
        self
    }

    pub fn action(mut self, action: ReplyAction) -> Reply {
        self.actions.push(action);
        self
    }

    pub fn attach(mut self, attachment: Attachment) -> Reply {
        self.attachments.push(attachment);
        self
    }

    pub fn in_channel(mut self) -> Reply {
        self.visibility = Visibility::Channel;
        self
    }

    /// Whether the command succeeded (done, read, or waiting for approval).
    pub fn is_success(&self) -> bool {
        matches!(self.status, Status::Ok | Status::Pending)
    }
}

impl Table {
    pub fn new<I: IntoIterator<Item = S>, S: Into<String>>(columns: I) -> Table {
        Table {
            columns: columns.into_iter().map(Into::into).collect(),
            rows: Vec::new(),
        }
    }

    pub fn row<I: IntoIterator<Item = S>, S: Into<String>>(mut self, cells: I) -> Table {
        self.push(cells);
        self
    }

    pub fn push<I: IntoIterator<Item = S>, S: Into<String>>(&mut self, cells: I) {
        let mut row: Vec<String> = cells.into_iter().map(Into::into).collect();
        row.resize(self.columns.len(), String::new());
        self.rows.push(row);
    }
}
