import pytest

pytestmark = pytest.mark.browser


def test_the_api_docs_render_the_operations_under_the_sites_csp(page, live_server, transactional_db):
    messages, requested = [], []
    page.on("console", lambda message: messages.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: messages.append(f"pageerror: {error}"))
    page.on("request", lambda request: requested.append(request.url))

    response = page.goto("/api/v1/docs/")

    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.locator("#operations-tag-milestones").wait_for(timeout=15000)
    listing = page.locator("#operations-milestones-milestones_list")
    assert listing.is_visible()
    assert page.locator("#operations-milestones-milestones_create").is_visible()
    listing.locator(".opblock-summary-control").click()
    assert listing.get_by_role("button", name="Try it out").is_visible()
    assert [message for message in messages if "Content Security Policy" in message] == []
    assert [message for message in messages if message.startswith(("error", "pageerror"))] == []
    assert [address for address in requested if not address.startswith(f"{live_server.url}/")] == []
