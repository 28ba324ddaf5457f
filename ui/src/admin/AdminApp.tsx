// The staff console: its own lazily loaded chunk, with its own messages (namespace "admin",
// src/admin/locales/<lng>.json), loaded with it and never part of the storefront bundle.
import { Route, Routes } from "react-router";
import { useTranslation } from "react-i18next";
import { AdminHome } from "./AdminHome";
import { NotFoundPage } from "../pages/NotFoundPage";

export default function AdminApp() {
  // Suspends until the console's messages for the current language are loaded.
  useTranslation("admin");
  return (
    <Routes>
      <Route index element={<AdminHome />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
