import { lazy, Suspense } from "react";
import { BrowserRouter, Navigate, Route, Routes } from "react-router";
import { Loading, RequireAuth } from "./auth/guards";
import { Layout } from "./shell/Layout";
import { useAuth } from "./auth/useAuth";
import { NotFoundPage } from "./pages/NotFoundPage";
import { storefrontRoutes } from "./pages/routes";

// The staff console: its own chunk (and its own message files), loaded only under /admin.
const AdminApp = lazy(() => import("./admin/AdminApp"));
const LoginPage = lazy(async () => ({ default: (await import("./pages/LoginPage")).LoginPage }));
const HomePage = lazy(async () => ({ default: (await import("./pages/HomePage")).HomePage }));

function Home() {
  const auth = useAuth();
  if (auth.isVisitor) return <Navigate to="/catalog" replace />;
  if (auth.loading) return <Loading />;
  if (auth.isStaff) return <Navigate to="/admin" replace />;
  return <HomePage />;
}

export function App() {
  return (
    <BrowserRouter>
      <Suspense fallback={<Loading />}>
        <Routes>
          <Route element={<Layout />}>
            <Route index element={<Home />} />
            <Route path="login" element={<LoginPage />} />
            {storefrontRoutes()}
            <Route
              path="admin/*"
              element={
                <RequireAuth kind="staff">
                  <Suspense fallback={<Loading />}>
                    <AdminApp />
                  </Suspense>
                </RequireAuth>
              }
            />
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
      </Suspense>
    </BrowserRouter>
  );
}
