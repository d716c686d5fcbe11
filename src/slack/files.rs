//! Files v2 upload: `files.getUploadURLExternal` for each file → POST the bytes to the
//! returned `upload_url` → one `files.completeUploadExternal` sharing them all to a
//! channel (optionally in a thread). `files.upload` is retired; a file completed without
//! `channel_id` would stay private, so the channel is required here.
//!
//! Written with reqwest directly: the Web API base comes from `SLACK_API_URL`
//! (`https://slack.com/api/` by default) so tests can point it at a fake.

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use url::Url;

use super::error::SlackApiError;
use crate::core::Attachment;
// Each of the three steps is one Slack call in the platform metrics.
use crate::metrics::platform::slack as counted;

const GET_UPLOAD_URL: &str = "files.getUploadURLExternal";
const UPLOAD: &str = "file upload";
const COMPLETE_UPLOAD: &str = "files.completeUploadExternal";

/// The fields of a Web API answer that the upload flow reads.
#[derive(Debug, Deserialize)]
struct ApiAnswer {
    ok: bool,
    error: Option<String>,
    upload_url: Option<String>,
    file_id: Option<String>,
}

/// Uploads `files` and shares them in `channel_id` (a `C…`/`G…`/`D…` id; open a DM with
/// `conversations.open` first to send to a user), in the thread `thread_ts` if given.
/// Does nothing when `files` is empty. The bot token (`files:write`) is sent to the Web
/// API only, never to the upload host.
pub async fn upload_files(
    client: &reqwest::Client,
    api_base: &Url,
    bot_token: &SecretString,
    channel_id: &str,
    thread_ts: Option<&str>,
    files: &[Attachment],
) -> Result<(), SlackApiError> {
    if files.is_empty() {
        return Ok(());
    }
    let mut shared = Vec::with_capacity(files.len());
    for file in files {
        let (upload_url, file_id) = get_upload_url(client, api_base, bot_token, file).await?;
        let upload_url = checked_upload_url(api_base, &upload_url)?;
        counted(send_bytes(client, upload_url, file).await)?;
        shared.push(serde_json::json!({ "id": file_id, "title": file.filename }));
    }
    let files_json = serde_json::Value::Array(shared).to_string();
    let mut form = vec![("files", files_json.as_str()), ("channel_id", channel_id)];
    if let Some(ts) = thread_ts {
        form.push(("thread_ts", ts));
    }
    counted(call(client, api_base, bot_token, COMPLETE_UPLOAD, &form).await)?;
    Ok(())
}

/// Step 1: reserve an upload URL and a file id for one file.
async fn get_upload_url(
    client: &reqwest::Client,
    api_base: &Url,
    bot_token: &SecretString,
    file: &Attachment,
) -> Result<(String, String), SlackApiError> {
    let length = file.bytes.len().to_string();
    let mut form = vec![
        ("filename", file.filename.as_str()),
        ("length", length.as_str()),
    ];
    if file.media_type.starts_with("image/") {
        // Screen readers read this for charts.
        form.push(("alt_txt", file.filename.as_str()));
    }
    let answer = counted(call(client, api_base, bot_token, GET_UPLOAD_URL, &form).await)?;
    match (answer.upload_url, answer.file_id) {
        (Some(url), Some(id)) if !url.is_empty() && !id.is_empty() => Ok((url, id)),
        _ => Err(SlackApiError::Unexpected {
            method: GET_UPLOAD_URL.to_owned(),
            detail: "no upload_url or file_id".to_owned(),
        }),
    }
}

/// The upload URL must be an absolute http(s) URL; https whenever the Web API is https.
fn checked_upload_url(api_base: &Url, raw: &str) -> Result<Url, SlackApiError> {
    let bad = |detail: &str| SlackApiError::Unexpected {
        method: GET_UPLOAD_URL.to_owned(),
        detail: detail.to_owned(),
    };
    let url = Url::parse(raw).map_err(|_| bad("upload_url is not a URL"))?;
    match (api_base.scheme(), url.scheme()) {
        (_, "https") | ("http", "http") => Ok(url),
        _ => Err(bad("upload_url is not https")),
    }
}

/// Step 2: POST the raw bytes to the upload URL (no token: the URL is pre-signed).
async fn send_bytes(
    client: &reqwest::Client,
    upload_url: Url,
    file: &Attachment,
) -> Result<(), SlackApiError> {
    let response = client
        .post(upload_url)
        .header(
            reqwest::header::CONTENT_TYPE,
            content_type(&file.media_type),
        )
        .body(file.bytes.clone())
        .send()
        .await
        .map_err(|e| SlackApiError::transport(UPLOAD, e))?;
    check_status(UPLOAD, &response)?;
    Ok(())
}

fn content_type(media_type: &str) -> &str {
    if media_type.is_empty() {
        "application/octet-stream"
    } else {
        media_type
    }
}

/// A form-encoded Web API call with the bearer token; `ok: false` becomes an error.
async fn call(
    client: &reqwest::Client,
    api_base: &Url,
    bot_token: &SecretString,
    method: &str,
    form: &[(&str, &str)],
) -> Result<ApiAnswer, SlackApiError> {
    let url = method_url(api_base, method)?;
    let response = client
        .post(url)
        .bearer_auth(bot_token.expose_secret())
        .form(form)
        .send()
        .await
        .map_err(|e| SlackApiError::transport(method, e))?;
    check_status(method, &response)?;
    let answer: ApiAnswer = response.json().await.map_err(|e| {
        if e.is_decode() {
            SlackApiError::Unexpected {
                method: method.to_owned(),
                detail: "the answer is not a Web API JSON object".to_owned(),
            }
        } else {
            SlackApiError::transport(method, e)
        }
    })?;
    if answer.ok {
        Ok(answer)
    } else {
        Err(SlackApiError::NotOk {
            method: method.to_owned(),
            error: answer.error.unwrap_or_else(|| "unknown_error".to_owned()),
        })
    }
}

/// `api_base` joined with a method name, whether or not the base ends with `/`.
fn method_url(api_base: &Url, method: &str) -> Result<Url, SlackApiError> {
    let mut base = api_base.clone();
    if !base.path().ends_with('/') {
        let path = format!("{}/", base.path());
        base.set_path(&path);
    }
    base.join(method).map_err(|source| SlackApiError::Url {
        method: method.to_owned(),
        source,
    })
}

/// 429 → rate limited (with `Retry-After`), other non-2xx → HTTP status error.
fn check_status(method: &str, response: &reqwest::Response) -> Result<(), SlackApiError> {
    let status = response.status();
    if status == reqwest::StatusCode::TOO_MANY_REQUESTS {
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        return Err(SlackApiError::RateLimited {
            method: method.to_owned(),
            retry_after,
        });
    }
    if !status.is_success() {
        return Err(SlackApiError::Status {
            method: method.to_owned(),
            status,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests;
