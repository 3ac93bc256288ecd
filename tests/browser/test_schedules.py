"""Delivery schedules clicked through as a supplier admin would: create, days, time frames,
a closed date, the preview updating in place; the same without JavaScript; a tablet (F33, F41,
F42)."""

from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, expect_focused, sign_in

ADMIN = "supplier-admin@example.com"


def in_english(page):
    """The demo admin reads Dutch; the test reads English (switched as a user would)."""
    page.locator(".language-switcher summary").click()
    page.get_by_role("button", name="English").click()
    expect(page.locator(".language-switcher .language-code")).to_have_text("EN")


def open_schedules(page):
    page.locator(".party-nav").get_by_role("link", name="Delivery schedules").click()
    expect(page.locator("h1")).to_have_text("Delivery schedules")


def set_days(page, name: str, days: set[int]):
    for day in range(1, 8):
        box = page.locator(f'input[name="{name}"][value="{day}"]')
        box.set_checked(day in days)


def earliest_iso(page) -> str:
    return page.locator("#schedule-preview .preview-list li.earliest time").get_attribute(
        "datetime"
    )


def test_admin_builds_a_schedule_and_the_preview_updates_in_place(page, live_server):
    sign_in(page, live_server, ADMIN)
    in_english(page)
    open_schedules(page)
    expect(page.get_by_role("link", name="Standard delivery")).to_be_visible()

    create = page.locator("#schedule-create")
    create.get_by_label("Name").fill("Night shop run")
    set_days(page, "working_days", {1, 2, 3, 4, 5})
    create.get_by_label("Lead time in days").fill("1")
    create.get_by_role("button", name="Add schedule").click()
    expect(page.locator("h1")).to_have_text("Night shop run")
    expect(page.locator("#flashes")).to_contain_text("Schedule “Night shop run” is added.")
    preview = page.locator("#schedule-preview")
    expect(preview.locator(".preview-list li")).to_have_count(5)
    expect(preview.locator(".preview-list li").first).to_contain_text("all day")

    # from here on nothing reloads the page: a marker on window survives htmx swaps
    page.evaluate("window.__stillHere = true")

    frames = page.locator("#schedule-frames")
    set_days(page, "weekdays", {1, 2, 3, 4, 5})
    frames.get_by_label("From").fill("08:00")
    frames.get_by_label("To").fill("12:00")
    frames.get_by_role("button", name="Add time frame").click()
    expect(frames.get_by_role("status")).to_have_text("The time frame is added.")
    expect(preview.locator(".preview-list li").first).to_contain_text("8:00 AM – 12:00 PM")
    expect(page.get_by_test_id("schedule-summary")).to_have_text("Mon–Fri 8:00 AM – 12:00 PM")

    frames.get_by_label("From").fill("13:00")
    frames.get_by_label("To").fill("17:00")
    frames.get_by_role("button", name="Add time frame").click()
    expect(preview.locator(".preview-list li").first).to_contain_text(
        "8:00 AM – 12:00 PM, 1:00 – 5:00 PM"
    )

    # an overlapping frame is refused in place, with the message at the field
    frames.get_by_label("From").fill("11:00")
    frames.get_by_label("To").fill("14:00")
    frames.get_by_role("button", name="Add time frame").click()
    expect(frames.locator("#start-error")).to_contain_text("overlaps 08:00–12:00")
    expect_focused(frames.get_by_label("From"))

    # closing the earliest date moves the preview on
    first = earliest_iso(page)
    closed = page.locator("#schedule-closed")
    closed.get_by_label("Date").fill(first)
    closed.get_by_label("Reason (optional)").fill("Inventory")
    closed.get_by_role("button", name="Add closed date").click()
    expect(closed.get_by_role("status")).to_have_text("The closed date is added.")
    expect(closed).to_contain_text("Inventory")
    expect(preview.locator(f'time[datetime="{first}"]')).to_have_count(0)
    assert earliest_iso(page) > first

    # a change of the basics refreshes the preview too: Saturday only, whole day
    basics = page.locator("#schedule-basics")
    set_days(page, "working_days", {6})
    basics.get_by_role("button", name="Save schedule").click()
    expect(basics.get_by_role("status")).to_have_text("The schedule is saved.")
    expect(preview.locator(".preview-list li").first).to_contain_text("Sat")
    expect(preview.locator(".preview-list li").first).to_contain_text("all day")
    expect(frames).to_contain_text("not on a working day")
    assert page.evaluate("window.__stillHere") is True

    page.screenshot(path=str(ARTIFACTS / "schedules-show-1280.png"), full_page=True)

    # delete, after confirming
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete schedule").click()
    expect(page.locator("h1")).to_have_text("Delivery schedules")
    expect(page.locator("#flashes")).to_contain_text("Schedule “Night shop run” is deleted.")
    expect(page.get_by_role("link", name="Night shop run")).to_have_count(0)


def test_schedules_work_without_javascript(nojs_page, live_server):
    page = nojs_page
    sign_in(page, live_server, ADMIN)
    in_english(page)
    open_schedules(page)
    create = page.locator("#schedule-create")
    create.get_by_label("Name").fill("Plain form run")
    set_days(page, "working_days", {1, 2, 3, 4, 5})
    create.get_by_role("button", name="Add schedule").click()
    expect(page.locator("h1")).to_have_text("Plain form run")

    frames = page.locator("#schedule-frames")
    frames.get_by_label("From").fill("08:00")
    frames.get_by_label("To").fill("12:00")
    frames.get_by_role("button", name="Add time frame").click()
    expect(page.locator("#flashes")).to_contain_text("The time frame is added.")
    expect(page.locator("#schedule-preview .preview-list li").first).to_contain_text(
        "8:00 AM – 12:00 PM"
    )

    # an inverted frame: the full page comes back with the message at the field
    frames = page.locator("#schedule-frames")
    frames.get_by_label("From").fill("17:00")
    frames.get_by_label("To").fill("08:00")
    frames.get_by_role("button", name="Add time frame").click()
    expect(page.locator("#end-error")).to_have_text("The end must be later than the start.")

    first = earliest_iso(page)
    page.locator("#schedule-closed").get_by_label("Date").fill(first)
    page.locator("#schedule-closed").get_by_role("button", name="Add closed date").click()
    expect(page.locator("#flashes")).to_contain_text("The closed date is added.")
    expect(page.locator(f'#schedule-preview time[datetime="{first}"]')).to_have_count(0)

    page.locator("#schedule-basics").get_by_label("Lead time in days").fill("-1")
    page.get_by_role("button", name="Save schedule").click()
    expect(page.locator("#lead_days-error")).to_have_text(
        "Enter a whole number of days from 0 to 60."
    )

    # without JavaScript the delete asks on a page of its own first
    page.get_by_role("button", name="Delete schedule").click()
    expect(page.get_by_test_id("confirm-question")).to_have_text(
        "Delete the schedule “Plain form run”?"
    )
    page.get_by_role("button", name="Delete schedule").click()
    expect(page.locator("#flashes")).to_contain_text("Schedule “Plain form run” is deleted.")


def test_staff_read_schedules_on_a_tablet(tablet_page, live_server):
    page = tablet_page
    sign_in(page, live_server, "supplier-staff@example.com")
    in_english(page)
    open_schedules(page)
    expect(page.get_by_role("button", name="Add schedule")).to_have_count(0)
    page.get_by_role("link", name="Standard delivery").tap()
    expect(page.locator("h1")).to_have_text("Standard delivery")
    expect(page.get_by_role("button", name="Save schedule")).to_have_count(0)
    expect(page.locator("#schedule-preview .preview-list li")).to_have_count(5)
    assert page.evaluate("document.documentElement.scrollWidth") <= 768


def test_admin_screen_on_a_tablet(tablet_page, live_server):
    page = tablet_page
    sign_in(page, live_server, ADMIN)
    in_english(page)
    open_schedules(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    page.screenshot(path=str(ARTIFACTS / "schedules-index-768.png"), full_page=True)
    page.get_by_role("link", name="Standard delivery").tap()
    expect(page.locator("h1")).to_have_text("Standard delivery")
    expect(page.locator("#schedule-preview .preview-list li.earliest")).to_contain_text(
        "8:00 AM – 12:00 PM"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    for selector in (".day-check", "#schedule-frames .button", "#schedule-closed .button"):
        box = page.locator(selector).first.bounding_box()
        assert box["height"] >= 44, selector
    page.screenshot(path=str(ARTIFACTS / "schedules-show-768.png"), full_page=True)
