//! Provisioning of the messaging resources for the local stack and for tests: the event bus,
//! the `email`, `erp-sync` and `reports` queues with their DLQs, and the rules that route events to them.
//! Mirrors what `template.yaml` declares in AWS; every call is idempotent.

// The provisioning needs the SQS and SES clients (features `sqs`, `ses`); the names and the
// redrive count are shared with the erp-sync worker.
#[cfg(all(feature = "sqs", feature = "ses"))]
use aws_sdk_sqs::types::QueueAttributeName;

#[cfg(all(feature = "sqs", feature = "ses"))]
use crate::messaging::{EMAIL_EVENT_TYPES, EVENT_SOURCE};

/// How many receives before a message moves to its DLQ (same as template.yaml).
pub const MAX_RECEIVE_COUNT: u32 = 5;

#[derive(Debug, Clone)]
pub struct ResourceNames {
    pub table: String,
    pub bus: String,
    pub email_queue: String,
    pub erp_sync_queue: String,
    pub reports_queue: String,
}

impl ResourceNames {
    /// Names for a stack prefix: `b2b-portal` locally, a unique one per test.
    pub fn with_prefix(prefix: &str) -> Self {
        Self {
            table: prefix.to_string(),
            bus: prefix.to_string(),
            email_queue: format!("{prefix}-email"),
            erp_sync_queue: format!("{prefix}-erp-sync"),
            reports_queue: format!("{prefix}-reports"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Provisioned {
    pub email_queue_url: String,
    pub email_dlq_url: String,
    pub erp_sync_queue_url: String,
    pub erp_sync_dlq_url: String,
    pub reports_queue_url: String,
    pub reports_dlq_url: String,
}

#[cfg(all(feature = "sqs", feature = "ses"))]
async fn queue_with_dlq(sqs: &aws_sdk_sqs::Client, name: &str) -> Result<(String, String), String> {
    let dlq_url = sqs
        .create_queue()
        .queue_name(format!("{name}-dlq"))
        .send()
        .await
        .map_err(|e| format!("create queue {name}-dlq: {e:?}"))?
        .queue_url
        .unwrap_or_default();
    let dlq_arn = sqs
        .get_queue_attributes()
        .queue_url(&dlq_url)
        .attribute_names(QueueAttributeName::QueueArn)
        .send()
        .await
        .map_err(|e| format!("queue arn: {e:?}"))?
        .attributes
        .and_then(|a| a.get(&QueueAttributeName::QueueArn).cloned())
        .unwrap_or_default();
    let redrive =
        serde_json::json!({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": MAX_RECEIVE_COUNT})
            .to_string();
    let url = sqs
        .create_queue()
        .queue_name(name)
        .attributes(QueueAttributeName::RedrivePolicy, redrive)
        .attributes(QueueAttributeName::VisibilityTimeout, "30")
        .send()
        .await
        .map_err(|e| format!("create queue {name}: {e:?}"))?
        .queue_url
        .unwrap_or_default();
    Ok((url, dlq_url))
}

#[cfg(all(feature = "sqs", feature = "ses"))]
async fn queue_arn(sqs: &aws_sdk_sqs::Client, url: &str) -> Result<String, String> {
    sqs.get_queue_attributes()
        .queue_url(url)
        .attribute_names(QueueAttributeName::QueueArn)
        .send()
        .await
        .map_err(|e| format!("queue arn: {e:?}"))?
        .attributes
        .and_then(|a| a.get(&QueueAttributeName::QueueArn).cloned())
        .ok_or_else(|| "queue has no arn".to_string())
}

/// Creates the table, bus, queues and rules (idempotent) and verifies the sender in SES.
#[cfg(all(feature = "sqs", feature = "ses"))]
pub async fn provision(
    sdk: &aws_config::SdkConfig,
    names: &ResourceNames,
    sender: &str,
) -> Result<Provisioned, String> {
    let ddb = aws_sdk_dynamodb::Client::new(sdk);
    crate::store::schema::create_table(&ddb, &names.table).await?;

    let sqs = aws_sdk_sqs::Client::new(sdk);
    let (email_queue_url, email_dlq_url) = queue_with_dlq(&sqs, &names.email_queue).await?;
    let (erp_sync_queue_url, erp_sync_dlq_url) =
        queue_with_dlq(&sqs, &names.erp_sync_queue).await?;
    let (reports_queue_url, reports_dlq_url) = queue_with_dlq(&sqs, &names.reports_queue).await?;

    let eb = aws_sdk_eventbridge::Client::new(sdk);
    let buses = eb
        .list_event_buses()
        .name_prefix(&names.bus)
        .send()
        .await
        .map_err(|e| format!("list buses: {e:?}"))?;
    if !buses
        .event_buses()
        .iter()
        .any(|b| b.name() == Some(names.bus.as_str()))
    {
        eb.create_event_bus()
            .name(&names.bus)
            .send()
            .await
            .map_err(|e| format!("create bus: {e:?}"))?;
    }
    let email_pattern =
        serde_json::json!({"source": [EVENT_SOURCE], "detail-type": EMAIL_EVENT_TYPES});
    let rules = [
        ("email", email_pattern, &email_queue_url),
        (
            "erp-sync",
            crate::messaging::erp_sync_event_pattern(),
            &erp_sync_queue_url,
        ),
        (
            "reports",
            crate::reports::report_event_pattern(),
            &reports_queue_url,
        ),
    ];
    for (rule, pattern, queue_url) in rules {
        let rule_name = format!("{}-{rule}", names.bus);
        eb.put_rule()
            .name(&rule_name)
            .event_bus_name(&names.bus)
            .event_pattern(pattern.to_string())
            .send()
            .await
            .map_err(|e| format!("put rule {rule_name}: {e:?}"))?;
        eb.put_targets()
            .rule(&rule_name)
            .event_bus_name(&names.bus)
            .targets(
                aws_sdk_eventbridge::types::Target::builder()
                    .id(format!("{rule}-queue"))
                    .arn(queue_arn(&sqs, queue_url).await?)
                    .build()
                    .map_err(|e| e.to_string())?,
            )
            .send()
            .await
            .map_err(|e| format!("put targets {rule_name}: {e:?}"))?;
    }

    let ses = aws_sdk_sesv2::Client::new(sdk);
    ses.create_email_identity()
        .email_identity(sender)
        .send()
        .await
        .map(|_| ())
        .or_else(|e| {
            let text = format!("{e:?}");
            if text.contains("AlreadyExists") {
                Ok(())
            } else {
                Err(format!("verify sender: {text}"))
            }
        })?;

    Ok(Provisioned {
        email_queue_url,
        email_dlq_url,
        erp_sync_queue_url,
        erp_sync_dlq_url,
        reports_queue_url,
        reports_dlq_url,
    })
}
