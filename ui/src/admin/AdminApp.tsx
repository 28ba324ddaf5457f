// The staff console: its own lazily loaded chunk, with its own messages (namespace "admin",
// src/admin/locales/<lng>.json), loaded with it and never part of the storefront bundle.
// A folder per resource; data hooks per API resource in ./api.
import { Anchor, Box, Flex, Stack } from "@mantine/core";
import { NavLink, Route, Routes } from "react-router";
import { useTranslation } from "react-i18next";
import { NotFoundPage } from "../pages/NotFoundPage";
import { useIsAdmin } from "./common";
import { DashboardPage } from "./dashboard/DashboardPage";
import { AccountRequestsPage } from "./account-requests/AccountRequestsPage";
import { CustomersPage } from "./customers/CustomersPage";
import { CustomerPage } from "./customers/CustomerPage";
import { AdminOrdersPage } from "./orders/OrdersPage";
import { AdminOrderPage } from "./orders/OrderPage";
import { AdminQuotesPage } from "./quotes/QuotesPage";
import { AdminQuotePage } from "./quotes/QuotePage";
import { ItemsPage } from "./items/ItemsPage";
import { ItemPage } from "./items/ItemPage";
import { ImportExportPage } from "./items/ImportExportPage";
import { WarehousesPage } from "./warehouses/WarehousesPage";
import { PriceListsPage } from "./price-lists/PriceListsPage";
import { PriceListPage } from "./price-lists/PriceListPage";
import { AnnouncementsPage } from "./announcements/AnnouncementsPage";
import { StaffPage } from "./staff/StaffPage";
import { SettingsPage } from "./settings/SettingsPage";
import { ErpPage } from "./erp/ErpPage";
import { ReportsPage } from "./reports/ReportsPage";

function ConsoleNav() {
  const { t } = useTranslation("admin");
  const admin = useIsAdmin();
  const links: { to: string; key: string; admin?: boolean; label?: string }[] = [
    { to: "/admin", key: "dashboard" },
    { to: "/admin/account-requests", key: "requests" },
    { to: "/admin/customers", key: "customers" },
    { to: "/admin/orders", key: "orders" },
    { to: "/admin/quotes", key: "quotes" },
    { to: "/admin/reports", key: "reports", label: "reports.nav" },
    { to: "/admin/items", key: "items" },
    { to: "/admin/warehouses", key: "warehouses", admin: true },
    { to: "/admin/price-lists", key: "priceLists", admin: true },
    { to: "/admin/import", key: "import", admin: true },
    { to: "/admin/announcements", key: "announcements" },
    { to: "/admin/staff", key: "staff", admin: true },
    { to: "/admin/settings", key: "settings", admin: true },
    { to: "/admin/erp", key: "erp", admin: true },
  ];
  return (
    <Stack gap={6} component="nav" aria-label={t("nav.label")}>
      {links
        .filter((l) => admin || !l.admin)
        .map((l) => (
          <Anchor key={l.to} component={NavLink} to={l.to} end={l.to === "/admin"} className="nav-link" c="inherit">
            {t(l.label ?? `nav.${l.key}`)}
          </Anchor>
        ))}
    </Stack>
  );
}

export default function AdminApp() {
  // Suspends until the console's messages for the current language are loaded.
  useTranslation("admin");
  return (
    <Flex gap="xl" direction={{ base: "column", md: "row" }} align="flex-start">
      <Box w={{ base: "100%", md: 190 }} style={{ flexShrink: 0 }}>
        <ConsoleNav />
      </Box>
      <Box style={{ flex: 1, minWidth: 0 }} w="100%">
        <Routes>
          <Route index element={<DashboardPage />} />
          <Route path="account-requests" element={<AccountRequestsPage />} />
          <Route path="customers" element={<CustomersPage />} />
          <Route path="customers/:id" element={<CustomerPage />} />
          <Route path="orders" element={<AdminOrdersPage />} />
          <Route path="orders/:id" element={<AdminOrderPage />} />
          <Route path="quotes" element={<AdminQuotesPage />} />
          <Route path="quotes/:id" element={<AdminQuotePage />} />
          <Route path="reports" element={<ReportsPage />} />
          <Route path="items" element={<ItemsPage />} />
          <Route path="items/:sku" element={<ItemPage />} />
          <Route path="import" element={<ImportExportPage />} />
          <Route path="warehouses" element={<WarehousesPage />} />
          <Route path="price-lists" element={<PriceListsPage />} />
          <Route path="price-lists/:id" element={<PriceListPage />} />
          <Route path="announcements" element={<AnnouncementsPage />} />
          <Route path="staff" element={<StaffPage />} />
          <Route path="settings" element={<SettingsPage />} />
          <Route path="erp" element={<ErpPage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Routes>
      </Box>
    </Flex>
  );
}
