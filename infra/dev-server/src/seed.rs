//! Demo data for `make dev`, loaded once (a `SEED#demo` marker item records it).
//!
//! Staff users are created with `shared::staff::create_staff_user` (there is no one to log in
//! as before them); everything else goes through the public HTTP API on the merged router,
//! in-process, as the admin, so the seed can never drift from what the API accepts.

use serde_json::{json, Value};
use shared::auth::StaffRole;
use shared::config::Config;
use shared::localstack::Provisioned;
use shared::store::Keys;
use shared::types::{Email, Name};
use shared::{AppError, AppState};

/// Password of every demo login (documented in README.md; local stack only).
pub const DEMO_PASSWORD: &str = "demo-password-1";
pub const DEMO_ADMIN: &str = "admin@example.com";
pub const DEMO_AGENT: &str = "agent@example.com";

const MARKER_PK: &str = "SEED#demo";
const MARKER_SK: &str = "SEED";

/// The demo contact whose access the seed accepts, so a customer login works at once.
pub const DEMO_BUYER: &str = "buyer@acme.example";

/// What `make dev` prints at startup.
pub struct Summary {
    pub logins: Vec<(&'static str, &'static str)>,
}

fn summary() -> Summary {
    Summary {
        logins: vec![
            ("admin", DEMO_ADMIN),
            ("agent", DEMO_AGENT),
            ("customer", DEMO_BUYER),
        ],
    }
}

/// The router, called in-process like API Gateway would, with a bearer token.
struct Api<'a> {
    router: &'a axum::Router,
    token: Option<String>,
}

impl Api<'_> {
    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        self.call_with(method, path, body, &[]).await
    }

    async fn call_with(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Result<Value, String> {
        use tower::ServiceExt;
        let mut req = axum::http::Request::builder().method(method).uri(path);
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        if let Some(token) = &self.token {
            req = req.header("authorization", format!("Bearer {token}"));
        }
        if body.is_some() {
            req = req.header("content-type", "application/json");
        }
        let req = req
            .body(axum::body::Body::from(
                body.map(|b| b.to_string()).unwrap_or_default(),
            ))
            .map_err(|e| e.to_string())?;
        let res = self
            .router
            .clone()
            .oneshot(req)
            .await
            .map_err(|e| e.to_string())?;
        let status = res.status();
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .map_err(|e| e.to_string())?;
        let json: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        if status.is_success() {
            Ok(json)
        } else {
            Err(format!(
                "seed: {method} {path} answered {status}: {}",
                String::from_utf8_lossy(&bytes)
            ))
        }
    }
}

/// Loads the demo data unless already there. Returns the logins to print.
pub async fn run(
    app: &AppState,
    router: &axum::Router,
    _provisioned: &Provisioned,
) -> Result<Summary, String> {
    if app
        .store
        .get_item(MARKER_PK, MARKER_SK)
        .await
        .map_err(|e| format!("seed marker: {e}"))?
        .is_some()
    {
        tracing::info!("demo data already loaded");
        return Ok(summary());
    }
    tracing::info!("loading demo data");

    staff_user(app, DEMO_ADMIN, "Ana Admin", StaffRole::Admin).await?;
    let agent_id = staff_user(app, DEMO_AGENT, "Arturo Agent", StaffRole::Agent).await?;

    let mut api = Api {
        router,
        token: None,
    };
    let login = api
        .call(
            "POST",
            "/v1/auth/login",
            Some(json!({"email": DEMO_ADMIN, "password": DEMO_PASSWORD})),
        )
        .await?;
    api.token = Some(
        login["token"]
            .as_str()
            .ok_or("seed: login answered no token")?
            .to_string(),
    );

    store_settings(&api).await?;
    catalog(&api).await?;
    let acme_id = customers(&api, &agent_id).await?;
    announcement(&api).await?;
    orders(&api, &acme_id).await?;
    saved_list(&mut api).await?;

    app.store
        .put(
            &Keys::new(MARKER_PK, MARKER_SK),
            &json!({"seeded_at": shared::types::now_rfc3339()}),
        )
        .await
        .map_err(|e| format!("seed marker: {e}"))?;
    tracing::info!("demo data loaded");
    Ok(summary())
}

/// A staff user with the demo password. Returns its id.
async fn staff_user(
    app: &AppState,
    email: &str,
    name: &str,
    role: StaffRole,
) -> Result<String, String> {
    let email = Email::parse(email).map_err(|e| format!("seed: {e}"))?;
    let name = Name::parse(name).map_err(|e| format!("seed: {e}"))?;
    match shared::staff::create_staff_user(&app.store, email, name, role, Some(DEMO_PASSWORD)).await
    {
        Ok(user) => Ok(user.id),
        Err(AppError::Conflict { .. }) => Err(INTERRUPTED.into()),
        Err(err) => Err(format!("seed staff user: {err:?}")),
    }
}

const INTERRUPTED: &str = "seed: the demo data is half there (an earlier seed was interrupted); \
    reset the local data with `make dev-reset` and run `make dev` again";

async fn store_settings(api: &Api<'_>) -> Result<(), String> {
    let mut settings = api.call("GET", "/v1/admin/settings", None).await?;
    settings["store_name"] = json!("Demo Wholesale");
    settings["seller_notification_emails"] = json!(["sales@example.com"]);
    settings["seller_whatsapp"] = json!("+52 81 5555 0100");
    settings["b2b_mode"] = json!(true);
    settings["default_language"] = json!("es");
    settings["default_currency"] = json!("MXN");
    settings["time_zone"] = json!("America/Mexico_City");
    api.call("PUT", "/v1/admin/settings", Some(settings))
        .await?;
    Ok(())
}

/// One demo item: its catalog data, its price in each list and its stock in each warehouse.
struct DemoItem {
    sku: &'static str,
    name: &'static str,
    item_type: &'static str,
    brand: &'static str,
    unit: &'static str,
    mayoreo: &'static str,
    distrib: &'static str,
    stock_mty: i64,
    stock_gdl: i64,
}

const fn item(
    sku: &'static str,
    name: &'static str,
    kind: (&'static str, &'static str, &'static str),
    prices: (&'static str, &'static str),
    stock: (i64, i64),
) -> DemoItem {
    DemoItem {
        sku,
        name,
        item_type: kind.0,
        brand: kind.1,
        unit: kind.2,
        mayoreo: prices.0,
        distrib: prices.1,
        stock_mty: stock.0,
        stock_gdl: stock.1,
    }
}

/// (type, brand, unit), prices in MXN (MAYOREO, DISTRIB), stock (MTY, GDL); all taxed at 16 % (IVA).
const ITEMS: [DemoItem; 8] = [
    item(
        "DRL-500",
        "Taladro percutor 500 W",
        ("Herramientas", "Bosch", "piece"),
        ("1250.00", "1190.00"),
        (40, 12),
    ),
    item(
        "DRL-750",
        "Taladro percutor 750 W",
        ("Herramientas", "Makita", "piece"),
        ("1890.00", "1795.00"),
        (15, 0),
    ),
    item(
        "SAW-185",
        "Sierra circular 185 mm",
        ("Herramientas", "Makita", "piece"),
        ("2450.00", "2330.00"),
        (8, 5),
    ),
    item(
        "SCR-4X40",
        "Tornillo para madera 4x40 (caja 100)",
        ("Fijaciones", "Fischer", "box"),
        ("89.50", "84.00"),
        (500, 320),
    ),
    item(
        "ANC-8",
        "Taquete de nylon 8 mm (caja 100)",
        ("Fijaciones", "Fischer", "box"),
        ("64.00", "60.00"),
        (260, 0),
    ),
    item(
        "PNT-W19",
        "Pintura vinílica blanca 19 L",
        ("Pinturas", "Comex", "bucket"),
        ("1580.00", "1499.00"),
        (30, 44),
    ),
    item(
        "PNT-B4",
        "Pintura esmalte negro 4 L",
        ("Pinturas", "Comex", "can"),
        ("540.00", "515.00"),
        (0, 18),
    ),
    item(
        "GLV-L",
        "Guantes de carnaza talla L (par)",
        ("Seguridad", "Truper", "pair"),
        ("48.00", "45.00"),
        (900, 150),
    ),
];

async fn catalog(api: &Api<'_>) -> Result<(), String> {
    for (id, name, address) in [
        ("MTY", "Monterrey", "Av. Industrial 100, Monterrey, NL"),
        ("GDL", "Guadalajara", "Calle 8 #2500, Zapopan, Jal."),
    ] {
        api.call(
            "POST",
            "/v1/admin/warehouses",
            Some(json!({"id": id, "name": name, "address": address})),
        )
        .await?;
    }
    for (id, name) in [("MAYOREO", "Mayoreo"), ("DISTRIB", "Distribuidores")] {
        api.call(
            "POST",
            "/v1/admin/price-lists",
            Some(json!({"id": id, "name": name, "currency": "MXN"})),
        )
        .await?;
    }
    let mut mayoreo = Vec::new();
    let mut distrib = Vec::new();
    for it in &ITEMS {
        let sku = it.sku;
        api.call(
            "POST",
            "/v1/admin/items",
            Some(json!({
                "sku": sku, "name": it.name, "item_type": it.item_type, "brand": it.brand,
                "unit": it.unit, "tax_rate": "0.16",
                "description": format!("{} ({})", it.name, it.brand),
            })),
        )
        .await?;
        for (warehouse, on_hand) in [("MTY", it.stock_mty), ("GDL", it.stock_gdl)] {
            api.call(
                "PUT",
                &format!("/v1/admin/stock/{warehouse}/{sku}"),
                Some(json!({ "on_hand": on_hand })),
            )
            .await?;
        }
        mayoreo.push(json!({"sku": sku, "unit_price": it.mayoreo}));
        distrib.push(json!({"sku": sku, "unit_price": it.distrib}));
    }
    // A quantity tier on the screws: 10 boxes or more cost less.
    mayoreo[3]["tiers"] = json!([{"min_quantity": 10, "unit_price": "82.00"}]);
    api.call(
        "PUT",
        "/v1/admin/price-lists/MAYOREO/prices",
        Some(json!({ "prices": mayoreo })),
    )
    .await?;
    api.call(
        "PUT",
        "/v1/admin/price-lists/DISTRIB/prices",
        Some(json!({ "prices": distrib })),
    )
    .await?;
    Ok(())
}

async fn customers(api: &Api<'_>, agent_id: &str) -> Result<String, String> {
    let acme = api
        .call(
            "POST",
            "/v1/admin/customers",
            Some(json!({
                "name": "Ferretería Acme",
                "legal_name": "Ferretería Acme S.A. de C.V.",
                "tax_id": "FAC010101AB1",
                "email": "compras@acme.example",
                "phone": "+52 81 5555 0101",
                "language": "es",
                "addresses": [{
                    "kind": "both", "is_default": true, "line1": "Av. Constitución 1200",
                    "city": "Monterrey", "state": "Nuevo León", "postal_code": "64000", "country": "MX"
                }],
                "shipping_method": "Paquetería",
                "credit": {"terms": "CREDIT", "credit_days": 30, "limit": "50000.00", "currency": "MXN"},
                "price_list_id": "MAYOREO",
                "warehouse_ids": ["MTY", "GDL"],
                "default_warehouse_id": "MTY",
                "tags": ["vip", "norte"],
                "agent_id": agent_id,
            })),
        )
        .await?;
    let acme_id = id_of(&acme)?;
    let beta = api
        .call(
            "POST",
            "/v1/admin/customers",
            Some(json!({
                "name": "Beta Distribuições",
                "tax_id": "12.345.678/0001-90",
                "email": "compras@beta.example",
                "phone": "+55 11 5555 0102",
                "language": "pt-BR",
                "addresses": [{
                    "kind": "shipping", "is_default": true, "line1": "Rua Augusta 500",
                    "city": "São Paulo", "state": "SP", "postal_code": "01305-000", "country": "BR"
                }],
                "shipping_method": "Recoge en almacén",
                "credit": {"terms": "CASH", "credit_days": 0, "limit": "0", "currency": "MXN"},
                "price_list_id": "DISTRIB",
                "warehouse_ids": ["GDL"],
                "default_warehouse_id": "GDL",
                "catalog_access": {"mode": "types", "types": ["Herramientas", "Fijaciones"]},
                "tags": ["exportacion"],
            })),
        )
        .await?;
    let beta_id = id_of(&beta)?;

    for (customer, email, name, department, phone) in [
        (
            &acme_id,
            DEMO_BUYER,
            "María Compras",
            "Compras",
            "+52 81 5555 0110",
        ),
        (
            &acme_id,
            "almacen@acme.example",
            "Jorge Almacén",
            "Almacén",
            "+52 81 5555 0111",
        ),
        (
            &beta_id,
            "joao@beta.example",
            "João Silva",
            "Diretoria",
            "+55 11 5555 0112",
        ),
    ] {
        api.call(
            "POST",
            &format!("/v1/admin/customers/{customer}/contacts"),
            Some(json!({"email": email, "name": name, "department": department, "phone": phone})),
        )
        .await?;
    }

    // F39: the buyer manages Acme's people (the Company section); Jorge, once invited from
    // there, orders up to 5,000 MXN without approval.
    api.call(
        "PATCH",
        &format!("/v1/admin/customers/{acme_id}/contacts/{DEMO_BUYER}"),
        Some(
            json!({"permissions": {"place_orders": true, "create_quotes": true,
            "see_invoices": true, "manage_company": true}}),
        ),
    )
    .await?;
    api.call(
        "PATCH",
        &format!("/v1/admin/customers/{acme_id}/contacts/almacen@acme.example"),
        Some(json!({"spending_limit": {"amount": "5000.00", "currency": "MXN"}})),
    )
    .await?;

    // The buyer's access: invite (the email goes out through the queue like any other), then
    // accept the invitation with the token from the link, as the contact would.
    let outcome = api
        .call(
            "POST",
            &format!("/v1/admin/customers/{acme_id}/contacts/{DEMO_BUYER}/access"),
            Some(json!({"action": "create"})),
        )
        .await?;
    let link = outcome["whatsapp_link"]
        .as_str()
        .ok_or("seed: the access answer has no whatsapp_link")?;
    let token = invitation_token(link).ok_or("seed: no token= in the invitation link")?;
    api.call(
        "POST",
        "/v1/auth/invitations/accept",
        Some(json!({"token": token, "password": DEMO_PASSWORD})),
    )
    .await?;
    // João is invited but has not accepted: his invitation email is in moto's outbox.
    api.call(
        "POST",
        &format!("/v1/admin/customers/{beta_id}/contacts/joao@beta.example/access"),
        Some(json!({"action": "create"})),
    )
    .await?;
    Ok(acme_id)
}

/// A few of Acme's orders, placed by staff on its behalf, so that the sales reports (and the
/// customer page's purchases) show something: one fulfilled, one cancelled, one waiting.
async fn orders(api: &Api<'_>, acme_id: &str) -> Result<(), String> {
    let path = format!("/v1/admin/customers/{acme_id}/orders");
    let batches = [
        (
            "demo-order-1",
            json!([{"sku": ITEMS[0].sku, "quantity": 2}, {"sku": ITEMS[1].sku, "quantity": 5}]),
        ),
        (
            "demo-order-2",
            json!([{"sku": ITEMS[2].sku, "quantity": 3}]),
        ),
        (
            "demo-order-3",
            json!([{"sku": ITEMS[0].sku, "quantity": 1}, {"sku": ITEMS[3].sku, "quantity": 4}]),
        ),
    ];
    let mut ids = Vec::new();
    for (key, lines) in batches {
        let order = api
            .call_with(
                "POST",
                &path,
                Some(json!({"warehouse_id": "MTY", "lines": lines})),
                &[("idempotency-key", key)],
            )
            .await?;
        ids.push(
            order["id"]
                .as_str()
                .ok_or("seed: an order without id")?
                .to_string(),
        );
    }
    for action in ["claim", "fulfil"] {
        api.call(
            "POST",
            &format!("/v1/admin/orders/{}/{action}", ids[0]),
            None,
        )
        .await?;
    }
    api.call(
        "POST",
        &format!("/v1/admin/orders/{}/cancel", ids[1]),
        Some(json!({"reason": "Demo: changed their mind"})),
    )
    .await?;
    Ok(())
}

fn id_of(customer: &Value) -> Result<String, String> {
    customer["id"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| format!("seed: created customer has no id: {customer}"))
}

/// The `token=` of the invitation link inside a `wa.me` link's (URL-encoded) message.
fn invitation_token(whatsapp_link: &str) -> Option<String> {
    let text = whatsapp_link.split_once("text=")?.1;
    let message = urlencoding::decode(text).ok()?;
    let raw = message.split_once("token=")?.1;
    let raw: String = raw
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '&')
        .collect();
    Some(urlencoding::decode(&raw).ok()?.into_owned())
}

/// F38: a saved list of the demo buyer, so the storefront's Lists page has one to use.
async fn saved_list(api: &mut Api<'_>) -> Result<(), String> {
    let login = api
        .call(
            "POST",
            "/v1/auth/login",
            Some(json!({"email": DEMO_BUYER, "password": DEMO_PASSWORD})),
        )
        .await?;
    let admin = api.token.replace(
        login["token"]
            .as_str()
            .ok_or("seed: the buyer's login answered no token")?
            .to_string(),
    );
    let created = api
        .call(
            "POST",
            "/v1/lists",
            Some(json!({"name": "Pedido semanal", "lines": [
                {"sku": "DRL-500", "quantity": 2}, {"sku": "SCR-4X40", "quantity": 10}]})),
        )
        .await;
    api.token = admin;
    created.map(|_| ())
}

async fn announcement(api: &Api<'_>) -> Result<(), String> {
    let now = chrono::Utc::now();
    api.call(
        "POST",
        "/v1/admin/announcements",
        Some(json!({
            "title": "Bienvenido al nuevo portal de pedidos",
            "body": "Haga sus pedidos en línea a sus precios, las 24 horas. ¿Dudas? Responda a cualquiera de nuestros correos.",
            "audience": "all",
            "starts_at": (now - chrono::Duration::minutes(1)).to_rfc3339(),
            "ends_at": (now + chrono::Duration::days(365)).to_rfc3339(),
        })),
    )
    .await?;
    Ok(())
}

/// `create-admin`: the first admin of a real deployment (standard AWS credential chain,
/// `TABLE_NAME`). With a password the login works at once; without one the admin is invited:
/// the set-password link is printed here, and the same invitation email goes out once the
/// outbox sweep (every minute) relays the event.
pub async fn create_admin(email: &str, name: &str, password: Option<&str>) -> Result<(), String> {
    let table = std::env::var("TABLE_NAME").map_err(|_| "TABLE_NAME is not set".to_string())?;
    let sdk = shared::aws::load_from_env().await;
    let store = shared::store::Store::new(aws_sdk_dynamodb::Client::new(&sdk), &table);
    let email = Email::parse(email).map_err(|e| format!("--email: {e}"))?;
    let name = Name::parse(name).map_err(|e| format!("--name: {e}"))?;
    match password {
        Some(password) => {
            let user = shared::staff::create_staff_user(
                &store,
                email,
                name,
                StaffRole::Admin,
                Some(password),
            )
            .await
            .map_err(|e| format!("{e:?}"))?;
            println!(
                "admin {} created (id {}) in table {table}; log in with the password given",
                user.email.as_str(),
                user.id
            );
        }
        None => {
            // Only the link settings matter here; the session key is not used to invite.
            let mut config = Config::for_table(&table, "");
            config.public_base_url = std::env::var("PUBLIC_BASE_URL")
                .map_err(|_| "PUBLIC_BASE_URL is not set (the storefront URL the link opens)")?;
            if let Ok(hours) = std::env::var("INVITATION_HOURS") {
                config.invitation_hours =
                    hours.parse().map_err(|_| "INVITATION_HOURS: a number")?;
            }
            let (user, events) =
                shared::staff::invite_staff_user(&store, &config, email, name, StaffRole::Admin)
                    .await
                    .map_err(|e| format!("{e:?}"))?;
            let link = events
                .iter()
                .find_map(|e| e.data["invitation_url"].as_str())
                .unwrap_or("(no link: see the invitation email)");
            println!(
                "admin {} invited (id {}) in table {table}\nset the password within {} hours at:\n  {link}\n\
                 (the invitation email follows once the outbox sweep relays it, within a minute)",
                user.email.as_str(),
                user.id,
                config.invitation_hours
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_token_from_a_whatsapp_invitation_link() {
        let url = shared::accounts::tokens::invitation_url("http://localhost:3000", "abc_DEF-123");
        let message = format!("Hola María, entre aquí: {url} (válido 72 h)");
        let link = shared::accounts::invitations::whatsapp_link(None, &message);
        assert_eq!(invitation_token(&link).as_deref(), Some("abc_DEF-123"));
        assert_eq!(invitation_token("https://wa.me/?text=no%20link"), None);
    }
}
