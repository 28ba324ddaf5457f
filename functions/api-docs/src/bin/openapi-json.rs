//! Prints the merged OpenAPI document as pretty JSON on stdout, without a table or a server:
//! `ui/scripts/gen-api.sh` turns it into the UI's TypeScript types (`ui/src/api/schema.d.ts`).

fn main() {
    let doc = api_docs::openapi()
        .to_pretty_json()
        .expect("the OpenAPI document serializes");
    println!("{doc}");
}
