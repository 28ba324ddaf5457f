//! One route list per function that is both its axum router and, with the `openapi` feature,
//! its OpenAPI description: [`ApiRouter`] and [`routes!`](crate::routes!) stand in for
//! utoipa-axum's `OpenApiRouter` and `routes!`.
//!
//! Why: building the description (every operation and schema of the function) ran at each
//! Lambda cold start only to be dropped, and its code made up a good part of every binary. A
//! function crate depends on `shared` without `openapi`, so its binary gets the bare router:
//! the same paths and methods, read from the same `#[utoipa::path]` attributes, and none of the
//! description's code (fat LTO drops it). The crates that serve or check the document (api-docs,
//! the dev server, the tests) turn the feature on, and cargo's feature unification gives them
//! the full `OpenApiRouter` in every function crate they link.

use axum::routing::MethodRouter;

#[cfg(feature = "openapi")]
type Inner<S> = utoipa_axum::router::OpenApiRouter<S>;
#[cfg(not(feature = "openapi"))]
type Inner<S> = axum::Router<S>;

/// The routes of one `routes!` call: utoipa-axum's method router with its description, or the
/// bare paths and method router.
pub struct RouteSet<S>(RouteSetInner<S>);

#[cfg(feature = "openapi")]
type RouteSetInner<S> = utoipa_axum::router::UtoipaMethodRouter<S>;
#[cfg(not(feature = "openapi"))]
type RouteSetInner<S> = (Vec<String>, MethodRouter<S>);

impl<S> RouteSet<S> {
    /// Keeps one of the two builds `routes!` writes out; the other closure is never called, so
    /// its code is never generated.
    #[doc(hidden)]
    #[inline(always)]
    pub fn pick<D, P>(documented: D, plain: P) -> Self
    where
        D: FnOnce() -> utoipa_axum::router::UtoipaMethodRouter<S>,
        P: FnOnce() -> (Vec<String>, MethodRouter<S>),
    {
        #[cfg(feature = "openapi")]
        {
            let _ = plain;
            Self(documented())
        }
        #[cfg(not(feature = "openapi"))]
        {
            let _ = documented;
            Self(plain())
        }
    }
}

/// A function's routes; [`ApiRouter::split_for_parts`] gives the router and its description
/// (empty without the `openapi` feature).
pub struct ApiRouter<S = ()>(Inner<S>);

impl<S: Clone + Send + Sync + 'static> Default for ApiRouter<S> {
    fn default() -> Self {
        Self::new()
    }
}

impl<S: Clone + Send + Sync + 'static> ApiRouter<S> {
    pub fn new() -> Self {
        Self(Inner::new())
    }

    pub fn routes(self, set: RouteSet<S>) -> Self {
        #[cfg(feature = "openapi")]
        {
            Self(self.0.routes(set.0))
        }
        #[cfg(not(feature = "openapi"))]
        {
            // As utoipa-axum: the handlers' method router on each of their paths.
            let (paths, method_router) = set.0;
            let mut router = self.0;
            for path in paths {
                let path = if path.is_empty() {
                    "/".to_string()
                } else {
                    path
                };
                router = router.route(&path, method_router.clone());
            }
            Self(router)
        }
    }

    pub fn merge(self, other: ApiRouter<S>) -> Self {
        Self(self.0.merge(other.0))
    }

    pub fn layer<L>(self, layer: L) -> Self
    where
        L: tower::Layer<axum::routing::Route> + Clone + Send + Sync + 'static,
        L::Service: tower::Service<axum::extract::Request> + Clone + Send + Sync + 'static,
        <L::Service as tower::Service<axum::extract::Request>>::Response:
            axum::response::IntoResponse + 'static,
        <L::Service as tower::Service<axum::extract::Request>>::Error:
            Into<std::convert::Infallible> + 'static,
        <L::Service as tower::Service<axum::extract::Request>>::Future: Send + 'static,
    {
        Self(self.0.layer(layer))
    }

    /// The router, and the OpenAPI description of its routes (empty without `openapi`).
    pub fn split_for_parts(self) -> (axum::Router<S>, utoipa::openapi::OpenApi) {
        #[cfg(feature = "openapi")]
        {
            self.0.split_for_parts()
        }
        #[cfg(not(feature = "openapi"))]
        {
            (self.0, utoipa::openapi::OpenApi::default())
        }
    }
}

/// Like utoipa-axum's `routes!`: handlers annotated with `#[utoipa::path]` that share a path.
/// Without the `openapi` feature only their paths and methods are read.
#[macro_export]
macro_rules! routes {
    ( $( $handler:path ),+ $(,)? ) => {
        $crate::routes::RouteSet::pick(
            || ::utoipa_axum::routes!( $( $handler ),+ ),
            || {
                #[allow(unused_imports)]
                use ::utoipa_axum::PathItemExt as _;
                let mut paths: ::std::vec::Vec<::std::string::String> = ::std::vec::Vec::new();
                let method_router = ::axum::routing::MethodRouter::new();
                $(
                    // paste! re-reads `$handler` as plain tokens, which utoipa-axum's inner
                    // rules take apart to reach the handler's `__path_` type.
                    let (path, methods) = ::utoipa_axum::paste! {
                        (
                            ::utoipa_axum::routes!( @path [path()] of $handler ),
                            ::utoipa_axum::routes!( @path [methods()] of $handler ),
                        )
                    };
                    let path: ::std::string::String = path;
                    if !paths.contains(&path) {
                        paths.push(path);
                    }
                    let method_router = methods.iter().fold(method_router, |router, method| {
                        router.on(method.to_method_filter(), $handler)
                    });
                )+
                (paths, method_router)
            },
        )
    };
}
