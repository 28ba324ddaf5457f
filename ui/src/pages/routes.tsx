import { Route } from "react-router";
import { RequireAuth } from "../auth/guards";
import { lazy } from "react";

// Each page is its own chunk: a visitor opening the catalog downloads the catalog and nothing else.
const named = <K extends string>(load: () => Promise<Record<K, React.ComponentType<never>>>, name: K) =>
  lazy(async () => ({ default: (await load())[name] as React.ComponentType }));
const CatalogPage = named(() => import("./CatalogPage"), "CatalogPage");
const ItemPage = named(() => import("./ItemPage"), "ItemPage");
const CartPage = named(() => import("./CartPage"), "CartPage");
const OrdersPage = named(() => import("./OrdersPage"), "OrdersPage");
const OrderPage = named(() => import("./OrderPage"), "OrderPage");
const QuotesPage = named(() => import("./QuotesPage"), "QuotesPage");
const QuotePage = named(() => import("./QuotePage"), "QuotePage");
const DocumentsPage = named(() => import("./DocumentsPage"), "DocumentsPage");
const StatementPage = named(() => import("./StatementPage"), "StatementPage");
const CompanyPage = named(() => import("./company/CompanyPage"), "CompanyPage");
const ApprovalPage = named(() => import("./company/ApprovalPage"), "ApprovalPage");
const QuickOrderPage = named(() => import("./buying/QuickOrderPage"), "QuickOrderPage");
const PurchasedPage = named(() => import("./buying/PurchasedPage"), "PurchasedPage");
const ListsPage = named(() => import("./buying/ListsPage"), "ListsPage");
const ListPage = named(() => import("./buying/ListPage"), "ListPage");
const RequestAccountPage = named(() => import("./RequestAccountPage"), "RequestAccountPage");
const ForgotPasswordPage = named(() => import("./PasswordPages"), "ForgotPasswordPage");
const InvitationPage = lazy(async () => {
  const { SetPasswordPage } = await import("./PasswordPages");
  return { default: () => <SetPasswordPage mode="invitation" /> };
});
const ResetPasswordPage = lazy(async () => {
  const { SetPasswordPage } = await import("./PasswordPages");
  return { default: () => <SetPasswordPage mode="reset" /> };
});

/**
 * The storefront's pages. The email links land here: /set-password?token=, /reset-password?token=,
 * /orders/{id}, /quotes/{id}.
 */
export function storefrontRoutes() {
  return (
    <>
      <Route path="catalog" element={<CatalogPage />} />
      <Route path="catalog/:sku" element={<ItemPage />} />
      <Route path="request-account" element={<RequestAccountPage />} />
      <Route path="forgot-password" element={<ForgotPasswordPage />} />
      <Route path="set-password" element={<InvitationPage />} />
      <Route path="reset-password" element={<ResetPasswordPage />} />
      <Route element={<RequireAuth kind="contact" />}>
        <Route path="cart" element={<CartPage />} />
        <Route path="orders" element={<OrdersPage />} />
        <Route path="orders/:id" element={<OrderPage />} />
        <Route path="quotes" element={<QuotesPage />} />
        <Route path="quotes/:id" element={<QuotePage />} />
        <Route path="documents" element={<DocumentsPage />} />
        <Route path="statement" element={<StatementPage />} />
        <Route path="company" element={<CompanyPage />} />
        <Route path="approvals/:id" element={<ApprovalPage />} />
        <Route path="quick-order" element={<QuickOrderPage />} />
        <Route path="purchased" element={<PurchasedPage />} />
        <Route path="lists" element={<ListsPage />} />
        <Route path="lists/:id" element={<ListPage />} />
      </Route>
    </>
  );
}
