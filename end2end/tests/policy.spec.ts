import { expect, Page, test } from "@playwright/test";
import { backupServiceOfflineToken, open, signIn } from "./helpers";

/** Sets the offline idle timeout (in days) through the review dialog. */
async function saveOfflineIdle(page: Page, days: string) {
  await open(page, "/admin/demo/policy");
  await page.locator("#offline-idle").fill(days);
  await page.getByRole("button", { name: "Review changes…" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Save changes" }).click();
  await expect(page.locator(".alert.success").filter({ hasText: "Saved." })).toContainText(`unused for ${days} days`);
}

test("an administrator shortens the offline idle timeout after reviewing the diff and the impact", async ({ page }) => {
  await backupServiceOfflineToken("ivan");
  await signIn(page, "demo", "realmadmin");
  await open(page, "/admin/demo/policy");
  await expect(page.locator("#offline-idle")).toHaveValue("30");
  await expect(page.locator("#offline-idle-unit")).toHaveValue("days");

  await page.locator("#offline-idle").fill("20");
  await page.getByRole("button", { name: "Review changes…" }).click();
  const dialog = page.getByRole("alertdialog");
  const row = dialog.getByRole("row").filter({ hasText: "Offline session idle" });
  await expect(row).toContainText("30 days");
  await expect(row).toContainText("20 days");
  await expect(dialog.locator(".diff").getByRole("row")).toHaveCount(2); // header + the one change
  // Every offline session was used moments ago, so none would end.
  await expect(dialog.locator(".impact-table")).toContainText("backup-service");
  await expect(dialog.locator(".impact-total")).toHaveText(/^In all: 0 offline sessions would end/);
  await dialog.getByRole("button", { name: "Save changes" }).click();

  await expect(page.locator(".alert.success").filter({ hasText: "Saved." })).toContainText("unused for 20 days");
  await expect(page.locator("#offline-idle")).toHaveValue("20");

  await page.goto("/audit?action=update_realm_policy&outcome=succeeded");
  await expect(page.getByRole("row").nth(1)).toContainText("Offline session idle 30 days → 20 days");
  await expect(page.getByRole("link", { name: "Download CSV" })).toHaveAttribute(
    "href",
    "/audit.csv?action=update_realm_policy&outcome=succeeded&",
  );

  // Back to the realm's default, so the other journeys see it unchanged.
  await saveOfflineIdle(page, "30");
});

test("bad durations get inline messages and nothing is saved", async ({ page }) => {
  await signIn(page, "demo", "realmadmin");
  await open(page, "/admin/demo/policy");
  const idle = page.locator("#offline-idle");
  const error = page.locator("#offline-idle-error");
  for (const [value, message] of [
    ["abc", "Use digits only: a whole number such as 30."],
    ["-5", "The value cannot be negative."],
    ["1000000000000", "That is too long: at most 3650 days (10 years)."],
    ["", "Enter a value (0 or more)."],
  ]) {
    await idle.fill(value);
    await expect(error).toHaveText(message);
    await expect(idle).toHaveAttribute("aria-invalid", "true");
  }
  await page.getByRole("button", { name: "Review changes…" }).click();
  await expect(page.locator(".form-notice")).toHaveText("Correct the fields marked above first.");
  await expect(page.getByRole("alertdialog")).toHaveCount(0);

  await page.locator("#max-reuse").fill("-1");
  await expect(page.locator("#max-reuse-error")).toHaveText("The value cannot be negative.");
  await page.locator("#max-reuse").fill("0");

  await idle.fill("30");
  await expect(error).toHaveText("");
  await page.getByRole("button", { name: "Review changes…" }).click();
  await expect(page.locator(".form-notice")).toHaveText(
    "Nothing to save: every value is the same as the realm's current setting.",
  );

  await page.locator("#offline-max-enabled").check();
  await page.locator("#offline-max").fill("1");
  await expect(page.locator(".warnings")).toContainText("shorter than the idle timeout");
});

test("readiness explains why no-offline-app gets no offline token", async ({ page }) => {
  await signIn(page, "demo", "realmadmin");
  await open(page, "/admin/demo/readiness");
  await page.locator("#readiness-client").fill("no-offline-app");
  await page.getByRole("button", { name: "Check client" }).click();
  const report = page.locator(".readiness-report");
  await expect(report).toContainText("client no-offline-app: not ready for offline access");
  await expect(report).toContainText("Add client scope");
  await page.locator("#readiness-user").fill("eve");
  await page.getByRole("button", { name: "Check user" }).click();
  await expect(page.locator(".readiness-report").nth(1)).toContainText("eve does not hold the realm role offline_access");
});

test("the readiness inputs offer the realm's clients and users as you type", async ({ page }) => {
  await signIn(page, "demo", "realmadmin");
  await open(page, "/admin/demo/readiness");
  const options = (list: string) => page.locator(`#${list} option`);
  await page.locator("#readiness-client").pressSequentially("photo");
  await expect(options("readiness-client-options")).toHaveCount(1);
  await expect(options("readiness-client-options").first()).toHaveAttribute("value", "photo-print");
  await page.locator("#readiness-user").pressSequentially("ali");
  await expect(options("readiness-user-options").first()).toHaveAttribute("value", "alice");
  await page.locator("#readiness-user").fill("");
  await expect(options("readiness-user-options")).toHaveCount(0);
});

test("the revocation page pushes the realm's revocation and clears an unset not-before", async ({ page }) => {
  await signIn(page, "demo", "realmadmin");
  await open(page, "/admin/demo/policy");
  await page.getByRole("link", { name: "revocation policy" }).click();
  await expect(page).toHaveURL(/\/admin\/demo\/revocation$/);
  await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  await expect(page.locator(".not-before")).toHaveText("not set");
  await page.getByRole("button", { name: "Push" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Pushed:" })).toBeVisible();
  await page.getByRole("button", { name: "Clear" }).click();
  await expect(page.locator(".alert.success")).toContainText("Not-before cleared");
  await expect(page.locator(".not-before")).toHaveText("not set");
});
