-- wrk script for benches/slack_ack.sh: every request is the same signed `/virbela help`
-- slash command (body and headers come from the environment the script sets).
wrk.method = "POST"
wrk.body = os.getenv("SLACK_BODY")
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["X-Slack-Request-Timestamp"] = os.getenv("SLACK_TS")
wrk.headers["X-Slack-Signature"] = os.getenv("SLACK_SIG")
