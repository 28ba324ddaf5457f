//! The words of every email, one table per language (F25: es, pt-BR, ro, en). Placeholders in
//! braces (`{store}`, `{name}`...) are filled by [`fill`]; the templates escape the values for HTML.

use crate::types::Language;

pub struct Strings {
    // Shared pieces.
    pub greeting: &'static str,
    pub link_fallback: &'static str,
    pub whatsapp_cta: &'static str,
    pub whatsapp_prefill: &'static str,
    pub sent_by: &'static str,
    // AccessInvited (F7).
    pub invite_subject: &'static str,
    pub invite_intro: &'static str,
    pub invite_button: &'static str,
    pub invite_validity: &'static str,
    pub invite_login_hint: &'static str,
    // PasswordResetRequested.
    pub reset_subject: &'static str,
    pub reset_intro: &'static str,
    pub reset_button: &'static str,
    pub reset_validity: &'static str,
    pub reset_ignore: &'static str,
    // AccountRequested (F1, to the seller).
    pub request_subject: &'static str,
    pub request_intro: &'static str,
    pub request_button: &'static str,
    pub request_whatsapp: &'static str,
    pub request_whatsapp_prefill: &'static str,
    pub label_company: &'static str,
    pub label_tax_id: &'static str,
    pub label_contact: &'static str,
    pub label_email: &'static str,
    pub label_phone: &'static str,
    pub label_address: &'static str,
    pub label_message: &'static str,
}

const ES: Strings = Strings {
    greeting: "Hola, {name}:",
    link_fallback: "Si el botón no funciona, copia este enlace en tu navegador:",
    whatsapp_cta: "¿Dudas? Escríbenos por WhatsApp",
    whatsapp_prefill: "Hola, les escribo desde el portal de {store}.",
    sent_by: "Este correo fue enviado por {store}.",
    invite_subject: "Tu acceso al portal de {store}",
    invite_intro: "{store} te ha dado acceso a su portal de pedidos. Para activarlo, crea tu contraseña con este enlace:",
    invite_button: "Crear mi contraseña",
    invite_validity: "El enlace es válido durante {hours} horas y solo se puede usar una vez.",
    invite_login_hint: "Después podrás entrar con tu correo {email} y tu contraseña.",
    reset_subject: "Restablece tu contraseña de {store}",
    reset_intro: "Recibimos una solicitud para restablecer la contraseña de tu acceso al portal de {store}.",
    reset_button: "Elegir una nueva contraseña",
    reset_validity: "El enlace es válido durante {minutes} minutos y solo se puede usar una vez.",
    reset_ignore: "Si no lo pediste tú, ignora este correo: tu contraseña no cambia.",
    request_subject: "Nueva solicitud de cuenta: {company}",
    request_intro: "Una empresa ha solicitado acceso al portal. Revisa la solicitud para aprobarla o rechazarla.",
    request_button: "Revisar las solicitudes",
    request_whatsapp: "Responder por WhatsApp",
    request_whatsapp_prefill: "Hola, {name}: recibimos la solicitud de cuenta de {company} en {store}.",
    label_company: "Empresa",
    label_tax_id: "Identificación fiscal",
    label_contact: "Contacto",
    label_email: "Correo",
    label_phone: "Teléfono",
    label_address: "Dirección",
    label_message: "Mensaje",
};

const PT_BR: Strings = Strings {
    greeting: "Olá, {name},",
    link_fallback: "Se o botão não funcionar, copie este link no seu navegador:",
    whatsapp_cta: "Dúvidas? Fale conosco pelo WhatsApp",
    whatsapp_prefill: "Olá, estou escrevendo pelo portal de pedidos de {store}.",
    sent_by: "Este e-mail foi enviado por {store}.",
    invite_subject: "{store}: seu acesso ao portal de pedidos",
    invite_intro: "{store} liberou seu acesso ao portal de pedidos. Para ativá-lo, crie sua senha com este link:",
    invite_button: "Criar minha senha",
    invite_validity: "O link é válido por {hours} horas e só pode ser usado uma vez.",
    invite_login_hint: "Depois você poderá entrar com seu e-mail {email} e sua senha.",
    reset_subject: "{store}: redefina sua senha",
    reset_intro: "Recebemos um pedido para redefinir a senha do seu acesso ao portal de pedidos de {store}.",
    reset_button: "Escolher uma nova senha",
    reset_validity: "O link é válido por {minutes} minutos e só pode ser usado uma vez.",
    reset_ignore: "Se não foi você, ignore este e-mail: sua senha não muda.",
    request_subject: "Nova solicitação de conta: {company}",
    request_intro: "Uma empresa solicitou acesso ao portal. Revise a solicitação para aprová-la ou recusá-la.",
    request_button: "Revisar as solicitações",
    request_whatsapp: "Responder pelo WhatsApp",
    request_whatsapp_prefill: "Olá, {name}, recebemos a solicitação de conta de {company} em {store}.",
    label_company: "Empresa",
    label_tax_id: "Identificação fiscal",
    label_contact: "Contato",
    label_email: "E-mail",
    label_phone: "Telefone",
    label_address: "Endereço",
    label_message: "Mensagem",
};

const RO: Strings = Strings {
    greeting: "Bună ziua, {name},",
    link_fallback: "Dacă butonul nu funcționează, copiază acest link în browser:",
    whatsapp_cta: "Întrebări? Scrie-ne pe WhatsApp",
    whatsapp_prefill: "Bună ziua, vă scriu din portalul {store}.",
    sent_by: "Acest e-mail a fost trimis de {store}.",
    invite_subject: "Accesul tău la portalul {store}",
    invite_intro: "{store} ți-a acordat acces la portalul de comenzi. Pentru a-l activa, creează-ți parola folosind acest link:",
    invite_button: "Creează parola",
    invite_validity: "Linkul este valabil {hours} ore și poate fi folosit o singură dată.",
    invite_login_hint: "Apoi te vei putea autentifica cu adresa {email} și parola ta.",
    reset_subject: "Resetează parola pentru {store}",
    reset_intro: "Am primit o cerere de resetare a parolei pentru accesul tău la portalul {store}.",
    reset_button: "Alege o parolă nouă",
    reset_validity: "Linkul este valabil {minutes} minute și poate fi folosit o singură dată.",
    reset_ignore: "Dacă nu ai cerut tu acest lucru, ignoră acest e-mail: parola ta rămâne neschimbată.",
    request_subject: "Cerere nouă de cont: {company}",
    request_intro: "O firmă a cerut acces la portal. Verifică cererea pentru a o aproba sau respinge.",
    request_button: "Vezi cererile",
    request_whatsapp: "Răspunde pe WhatsApp",
    request_whatsapp_prefill: "Bună ziua, {name}, am primit cererea de cont a firmei {company} la {store}.",
    label_company: "Firmă",
    label_tax_id: "Cod fiscal",
    label_contact: "Persoană de contact",
    label_email: "E-mail",
    label_phone: "Telefon",
    label_address: "Adresă",
    label_message: "Mesaj",
};

const EN: Strings = Strings {
    greeting: "Hello {name},",
    link_fallback: "If the button does not work, copy this link into your browser:",
    whatsapp_cta: "Questions? Message us on WhatsApp",
    whatsapp_prefill: "Hello, I am writing from the {store} portal.",
    sent_by: "This email was sent by {store}.",
    invite_subject: "Your access to the {store} portal",
    invite_intro: "{store} has given you access to its ordering portal. To activate it, set your password with this link:",
    invite_button: "Set my password",
    invite_validity: "The link is valid for {hours} hours and can be used only once.",
    invite_login_hint: "You will then sign in with your email {email} and your password.",
    reset_subject: "Reset your {store} password",
    reset_intro: "We received a request to reset the password of your {store} portal access.",
    reset_button: "Choose a new password",
    reset_validity: "The link is valid for {minutes} minutes and can be used only once.",
    reset_ignore: "If you did not ask for this, ignore this email: your password stays the same.",
    request_subject: "New account request: {company}",
    request_intro: "A company asked for access to the portal. Review the request to approve or reject it.",
    request_button: "Review the requests",
    request_whatsapp: "Reply on WhatsApp",
    request_whatsapp_prefill: "Hello {name}, we received the account request of {company} at {store}.",
    label_company: "Company",
    label_tax_id: "Tax ID",
    label_contact: "Contact",
    label_email: "Email",
    label_phone: "Phone",
    label_address: "Address",
    label_message: "Message",
};

pub fn strings(language: Language) -> &'static Strings {
    match language {
        Language::Es => &ES,
        Language::PtBr => &PT_BR,
        Language::Ro => &RO,
        Language::En => &EN,
    }
}

/// Replaces `{key}` placeholders with values (as given: escape them first for HTML).
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (key, value) in values {
        out = out.replace(&format!("{{{key}}}"), value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_every_occurrence() {
        assert_eq!(
            fill("{a} and {b}, {a}", &[("a", "x"), ("b", "y")]),
            "x and y, x"
        );
    }

    #[test]
    fn every_language_has_every_string() {
        for lang in [Language::Es, Language::PtBr, Language::Ro, Language::En] {
            let s = strings(lang);
            for text in [
                s.greeting,
                s.link_fallback,
                s.whatsapp_cta,
                s.whatsapp_prefill,
                s.sent_by,
                s.invite_subject,
                s.invite_intro,
                s.invite_button,
                s.invite_validity,
                s.invite_login_hint,
                s.reset_subject,
                s.reset_intro,
                s.reset_button,
                s.reset_validity,
                s.reset_ignore,
                s.request_subject,
                s.request_intro,
                s.request_button,
                s.request_whatsapp,
                s.request_whatsapp_prefill,
                s.label_company,
                s.label_tax_id,
                s.label_contact,
                s.label_email,
                s.label_phone,
                s.label_address,
                s.label_message,
            ] {
                assert!(!text.trim().is_empty(), "{lang:?}");
            }
            assert!(s.invite_validity.contains("{hours}"), "{lang:?}");
            assert!(s.reset_validity.contains("{minutes}"), "{lang:?}");
            assert!(s.request_subject.contains("{company}"), "{lang:?}");
        }
    }
}
