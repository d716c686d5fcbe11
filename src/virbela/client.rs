//! `VirbelaClient`: one `reqwest::Client` per process, one campus per value; builds each
//! call, sends it with the campus headers, retries what may be retried, and turns every
//! answer into a typed value or a [`VirbelaError`].

use std::sync::Arc;
use std::time::Instant;

use chrono::Utc;
use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use tracing::Instrument;
use url::Url;

use super::campus::Campus;
use super::error::{VirbelaError, snippet};
use super::models::ErrorBody;
use super::options::ClientOptions;
use super::retry::{self, Cause};

/// The typed Virbela client of one campus. Cheap to clone; clones share the connection pool.
#[derive(Clone)]
pub struct VirbelaClient {
    http: reqwest::Client,
    campus: Arc<Campus>,
    options: Arc<ClientOptions>,
}

impl std::fmt::Debug for VirbelaClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VirbelaClient")
            .field("campus", &self.campus)
            .field("options", &self.options)
            .finish()
    }
}

/// Which of the two base URLs a call goes to.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Api {
    Main,
    Product,
}

/// One call to make.
pub(crate) struct Call<'a> {
    pub method: Method,
    pub api: Api,
    pub path: &'a [&'a str],
    pub query: Vec<(&'static str, String)>,
    pub body: Option<serde_json::Value>,
    /// The waitlist endpoints need `V-Client-Name`.
    pub send_client_name: bool,
    /// Name for logs, metrics and messages, e.g. `users.list`.
    pub endpoint: &'static str,
    /// What a 404 means here, e.g. "this user".
    pub not_found: &'static str,
}

impl<'a> Call<'a> {
    pub fn get(endpoint: &'static str, path: &'a [&'a str]) -> Self {
        Call {
            method: Method::GET,
            api: Api::Main,
            path,
            query: Vec::new(),
            body: None,
            send_client_name: false,
            endpoint,
            not_found: "this resource",
        }
    }

    pub fn send(
        method: Method,
        endpoint: &'static str,
        path: &'a [&'a str],
        body: serde_json::Value,
    ) -> Self {
        Call {
            method,
            body: Some(body),
            ..Call::get(endpoint, path)
        }
    }

    pub fn query(mut self, key: &'static str, value: impl ToString) -> Self {
        self.query.push((key, value.to_string()));
        self
    }

    pub fn not_found(mut self, what: &'static str) -> Self {
        self.not_found = what;
        self
    }
}

/// One failed attempt: the error to report, and what caused it for the retry decision.
struct Failure {
    error: VirbelaError,
    cause: Cause,
    retry_after: Option<std::time::Duration>,
}

impl VirbelaClient {
    /// A client with its own connection pool.
    pub fn new(campus: Campus, options: ClientOptions) -> Result<Self, VirbelaError> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("virbela-bot/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(options.connect_timeout)
            .timeout(options.timeout)
            .build()
            .map_err(|e| VirbelaError::Transport {
                endpoint: "client",
                message: format!("cannot build the HTTP client: {e}"),
            })?;
        Ok(Self::with_http(http, campus, options))
    }

    /// A client sharing an existing connection pool (several campuses, one process).
    pub fn with_http(http: reqwest::Client, campus: Campus, options: ClientOptions) -> Self {
        VirbelaClient {
            http,
            campus: Arc::new(campus),
            options: Arc::new(options),
        }
    }

    pub fn campus(&self) -> &Campus {
        &self.campus
    }

    pub fn options(&self) -> &ClientOptions {
        &self.options
    }

    /// Sends `call`, retrying as the method allows, and decodes the JSON answer.
    pub(crate) async fn call<T: DeserializeOwned>(
        &self,
        call: Call<'_>,
    ) -> Result<T, VirbelaError> {
        let url = self.url(&call);
        let span = tracing::debug_span!("virbela", endpoint = call.endpoint, method = %call.method);
        async {
            let started = Instant::now();
            let mut attempt: u32 = 1;
            loop {
                let attempt_started = Instant::now();
                let result = self.attempt(&call, &url).await;
                // Every attempt, retries included (see `crate::metrics::virbela`).
                crate::metrics::virbela::record_attempt(
                    call.endpoint,
                    result.as_ref().err().map(|f| &f.error),
                    attempt_started.elapsed(),
                );
                let failure = match result {
                    Ok(value) => return Ok(value),
                    Err(failure) => failure,
                };
                let retryable = retry::is_retryable(&call.method, failure.cause);
                let wait = retry::delay(&self.options, attempt, failure.retry_after);
                let within_budget = started.elapsed() + wait <= self.options.retry_budget;
                if !retryable || attempt >= self.options.retry_attempts || !within_budget {
                    tracing::warn!(
                        attempts = attempt,
                        error.kind = failure.error.kind(),
                        request_id = failure.error.request_id(),
                        "virbela call failed: {}",
                        failure.error
                    );
                    return Err(failure.error);
                }
                tracing::info!(
                    attempt,
                    wait_ms = wait.as_millis() as u64,
                    error.kind = failure.error.kind(),
                    "retrying virbela call"
                );
                tokio::time::sleep(wait).await;
                attempt += 1;
            }
        }
        .instrument(span)
        .await
    }

    fn url(&self, call: &Call<'_>) -> Url {
        let mut url = match call.api {
            Api::Main => self.campus.endpoints.api.clone(),
            Api::Product => self.campus.endpoints.product.clone(),
        };
        if let Ok(mut segments) = url.path_segments_mut() {
            segments.pop_if_empty().extend(call.path);
        }
        if !call.query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(call.query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        url
    }

    fn headers(&self, call: &Call<'_>) -> Result<HeaderMap, Failure> {
        let creds = &self.campus.credentials;
        let value = |text: &str, what: &str, sensitive: bool| {
            let mut v = HeaderValue::from_str(text).map_err(|_| Failure {
                error: VirbelaError::Transport {
                    endpoint: call.endpoint,
                    message: format!("the campus {what} contains characters that cannot be sent in an HTTP header"),
                },
                cause: Cause::Other,
                retry_after: None,
            })?;
            v.set_sensitive(sensitive);
            Ok::<_, Failure>(v)
        };
        let mut headers = HeaderMap::new();
        headers.insert("V-Client-Id", value(creds.client_id(), "client id", false)?);
        headers.insert(
            "V-Client-Secret",
            value(creds.secret(), "client secret", true)?,
        );
        if call.send_client_name {
            headers.insert(
                "V-Client-Name",
                value(creds.client_name(), "client name", false)?,
            );
        }
        Ok(headers)
    }

    async fn attempt<T: DeserializeOwned>(&self, call: &Call<'_>, url: &Url) -> Result<T, Failure> {
        let started = Instant::now();
        let mut request = self
            .http
            .request(call.method.clone(), url.clone())
            .headers(self.headers(call)?);
        if let Some(body) = &call.body {
            request = request.json(body);
        }
        let response = request
            .send()
            .await
            .map_err(|e| self.transport_failure(call, e))?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| retry::parse_retry_after(v, Utc::now()));
        let text = response
            .text()
            .await
            .map_err(|e| self.transport_failure(call, e))?;
        tracing::debug!(
            path = url.path(),
            status = status.as_u16(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            bytes = text.len(),
            "virbela answered"
        );
        if status.is_success() {
            return serde_json::from_str::<T>(&text).map_err(|decode| {
                let error = match serde_json::from_str::<ErrorBody>(&text) {
                    Ok(body) if body.response_code.as_deref() == Some("error") => {
                        VirbelaError::Invalid {
                            status: status.as_u16(),
                            detail: body
                                .explanation()
                                .unwrap_or_else(|| "no detail given".into()),
                            request_id: body.request_id,
                        }
                    }
                    _ => {
                        tracing::warn!(error = %decode, "virbela answer did not decode");
                        VirbelaError::UnexpectedBody {
                            endpoint: call.endpoint,
                            status: status.as_u16(),
                            snippet: snippet(&text, 200),
                        }
                    }
                };
                Failure {
                    error,
                    cause: Cause::Other,
                    retry_after: None,
                }
            });
        }
        Err(Failure {
            error: error_for_status(call, status, &text, retry_after),
            cause: Cause::Status(status.as_u16()),
            retry_after,
        })
    }

    fn transport_failure(&self, call: &Call<'_>, e: reqwest::Error) -> Failure {
        if e.is_timeout() {
            return Failure {
                error: VirbelaError::Timeout {
                    endpoint: call.endpoint,
                    timeout: self.options.timeout,
                },
                cause: Cause::Timeout,
                retry_after: None,
            };
        }
        let cause = if e.is_connect() || e.is_request() || e.is_body() {
            Cause::Connection
        } else {
            Cause::Other
        };
        let mut causes = Vec::new();
        let mut source = std::error::Error::source(&e);
        while let Some(inner) = source {
            causes.push(inner.to_string());
            source = inner.source();
        }
        let mut message = e.without_url().to_string();
        for inner in causes {
            message.push_str(": ");
            message.push_str(&inner);
        }
        Failure {
            error: VirbelaError::Transport {
                endpoint: call.endpoint,
                message,
            },
            cause,
            retry_after: None,
        }
    }
}

/// The error a non-success status stands for, from Virbela's error body when it sent one.
fn error_for_status(
    call: &Call<'_>,
    status: StatusCode,
    text: &str,
    retry_after: Option<std::time::Duration>,
) -> VirbelaError {
    let Ok(body) = serde_json::from_str::<ErrorBody>(text) else {
        return VirbelaError::UnexpectedBody {
            endpoint: call.endpoint,
            status: status.as_u16(),
            snippet: snippet(text, 200),
        };
    };
    let request_id = body.request_id.clone();
    let detail = body.explanation();
    match status.as_u16() {
        401 | 403 => VirbelaError::Unauthorized { request_id },
        404 => VirbelaError::NotFound {
            what: call.not_found,
            detail: detail.unwrap_or_else(|| "not found".into()),
            request_id,
        },
        429 => VirbelaError::RateLimited {
            retry_after,
            request_id,
        },
        s @ 500..=599 => VirbelaError::Server {
            status: s,
            detail,
            request_id,
        },
        s => VirbelaError::Invalid {
            status: s,
            detail: detail.unwrap_or_else(|| format!("HTTP {s}")),
            request_id,
        },
    }
}
