import { expect, test } from "@playwright/test";
import { seedSessions, signIn } from "./helpers";

test("an administrator exports, dry-runs a filter and revokes its matches after typing the clientId", async ({ page }) => {
  const prefix = `pt${Date.now()}x`;
  await seedSessions(prefix, 3);
  await signIn(page, "demo", "realmadmin");
  await page.goto("/admin/demo/clients?search=backup-service");
  await page.getByRole("link", { name: "backup-service" }).click();

  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "CSV", exact: true }).click();
  expect((await download).suggestedFilename()).toBe("backup-service-offline-sessions.csv");

  await page.getByRole("link", { name: /Find and revoke/ }).click();
  await page.waitForURL(/\/tools$/);
  await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  await page.getByLabel("Username contains").fill(prefix);
  await page.getByRole("button", { name: "Start dry run" }).click();
  await expect(page.getByRole("heading", { name: "Dry run complete" })).toBeVisible();
  await expect(page.locator(".job-counts")).toContainText("3 of");
  await expect(page.getByRole("row").filter({ hasText: prefix })).toHaveCount(3);

  // The job lives on the server: a reload finds it again.
  await page.reload();
  await expect(page.getByRole("heading", { name: "Dry run complete" })).toBeVisible();
  await expect(page.locator("body[data-hydrated]")).toHaveCount(1);

  const revoke = page.getByRole("button", { name: "Revoke 3 sessions" });
  await expect(revoke).toBeDisabled();
  await page.getByLabel(/to confirm/).fill("backup");
  await expect(revoke).toBeDisabled();
  await page.getByLabel(/to confirm/).fill("backup-service");
  await revoke.click();
  await expect(page.getByRole("heading", { name: "Revocation complete" })).toBeVisible();
  await expect(page.locator(".job-counts")).toContainText("Revoked 3 of 3 · 0 failed");

  // The matches are gone: the same dry run now finds nothing.
  await page.getByLabel("Username contains").fill(prefix);
  await page.getByRole("button", { name: "Start dry run" }).click();
  await expect(page.getByRole("heading", { name: "Dry run complete" })).toBeVisible();
  await expect(page.locator(".job-counts")).toContainText("0 of");
  await expect(page.getByRole("button", { name: /^Revoke/ })).toHaveCount(0);

  await page.goto("/audit");
  await expect(page.getByText(`user ${prefix}1`).first()).toBeVisible();
});
