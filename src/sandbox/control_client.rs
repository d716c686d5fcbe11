//! `SandboxControl`: a small client of the sandbox's `/_sandbox` control API, for tests,
//! benchmarks and demos that shape a running sandbox or read what it received.

use serde_json::Value;

/// A failed control call.
#[derive(Debug, thiserror::Error)]
pub enum ControlError {
    #[error("the sandbox control API could not be reached: {0}")]
    Transport(#[from] reqwest::Error),
    #[error("the sandbox control API answered {status} to {path}: {body}")]
    Refused {
        path: String,
        status: u16,
        body: String,
    },
}

/// The control API of the sandbox at `base_url` (as [`super::RunningSandbox::base_url`]).
#[derive(Debug, Clone)]
pub struct SandboxControl {
    http: reqwest::Client,
    base_url: String,
}

impl SandboxControl {
    pub fn new(base_url: impl Into<String>) -> SandboxControl {
        SandboxControl {
            http: reqwest::Client::new(),
            base_url: base_url.into(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}_sandbox/{path}", self.base_url)
    }

    /// `POST /_sandbox/{path}` with a JSON body; the JSON answer.
    pub async fn post(&self, path: &str, body: &Value) -> Result<Value, ControlError> {
        let response = self.http.post(self.url(path)).json(body).send().await?;
        let status = response.status();
        let text = response.text().await?;
        if !status.is_success() {
            return Err(ControlError::Refused {
                path: path.to_string(),
                status: status.as_u16(),
                body: text,
            });
        }
        Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// `DELETE /_sandbox/{path}` (`faults`, `log`).
    pub async fn delete(&self, path: &str) -> Result<(), ControlError> {
        self.http
            .delete(self.url(path))
            .send()
            .await?
            .error_for_status()?;
        Ok(())
    }

    /// The API calls the sandbox received, oldest first (`method`, `path`, `query`, `body`, `status`).
    pub async fn calls(&self) -> Result<Vec<Value>, ControlError> {
        let log: Value = self
            .http
            .get(self.url("log"))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        Ok(log["calls"].as_array().cloned().unwrap_or_default())
    }

    /// The calls as `METHOD /path` lines.
    pub async fn call_lines(&self) -> Result<Vec<String>, ControlError> {
        Ok(self
            .calls()
            .await?
            .iter()
            .map(|c| {
                format!(
                    "{} {}",
                    c["method"].as_str().unwrap_or(""),
                    c["path"].as_str().unwrap_or("")
                )
            })
            .collect())
    }
}
