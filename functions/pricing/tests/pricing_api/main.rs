//! The pricing function through its HTTP API on DynamoDB Local: price lists and bulk prices,
//! per-customer prices, who may write them, and quotes.

mod price_lists;
mod quote;
mod support;
