//! The table's definition: the one source for the local bootstrap and the tests, and checked
//! against `template.yaml` by a test so the deployed table and the local one agree.

use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType,
};
use aws_sdk_dynamodb::Client;

use super::keys::{GSI1, GSI2, GSI3, PK, SK};

/// (index name, partition key attribute, sort key attribute)
pub const INDEXES: [(&str, &str, &str); 3] = [
    (GSI1, "GSI1PK", "GSI1SK"),
    (GSI2, "GSI2PK", "GSI2SK"),
    (GSI3, "GSI3PK", "GSI3SK"),
];

/// Every key attribute (all strings).
pub fn key_attributes() -> Vec<&'static str> {
    let mut attrs = vec![PK, SK];
    for (_, pk, sk) in INDEXES {
        attrs.push(pk);
        attrs.push(sk);
    }
    attrs
}

fn key(name: &str, kind: KeyType) -> KeySchemaElement {
    KeySchemaElement::builder()
        .attribute_name(name)
        .key_type(kind)
        .build()
        .expect("key schema element")
}

/// Creates the table if it does not exist yet (idempotent).
pub async fn create_table(client: &Client, table: &str) -> Result<(), String> {
    let mut req = client
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .key_schema(key(PK, KeyType::Hash))
        .key_schema(key(SK, KeyType::Range));
    for attr in key_attributes() {
        req = req.attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name(attr)
                .attribute_type(ScalarAttributeType::S)
                .build()
                .expect("attribute definition"),
        );
    }
    for (name, pk, sk) in INDEXES {
        req = req.global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name(name)
                .key_schema(key(pk, KeyType::Hash))
                .key_schema(key(sk, KeyType::Range))
                .projection(
                    Projection::builder()
                        .projection_type(ProjectionType::All)
                        .build(),
                )
                .build()
                .expect("gsi"),
        );
    }
    match req.send().await {
        Ok(_) => Ok(()),
        Err(err) => {
            let service = err.into_service_error();
            if service.is_resource_in_use_exception() {
                Ok(())
            } else {
                Err(format!("create table {table}: {service}"))
            }
        }
    }
}
