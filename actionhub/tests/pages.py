"""The site's pages, for the tests that must visit every one of them."""

CAMPAIGN_PAGES = [
    "/",
    "/pledge/stop-uyghur-genocide/",
    "/write-to-your-mp/",
    "/write-to-your-mp/general/",
    "/write-to-your-mp/uyghur-women/",
    "/briefings/general/",
    "/briefings/uyghur-women/",
    "/demonstration/",
    "/brands/",
    "/appeal/",
    "/get-involved/",
    "/pledge/stop-uyghur-genocide/constituencies/",
    "/privacy/",
    "/accessibility/",
]
NOT_FOUND_PAGE = "/no-such-page/"
PUBLIC_PAGES = [
    *CAMPAIGN_PAGES,
    "/supporters/erase-my-details/",
    "/your-data/",
    "/organisers/sign-in/",
    NOT_FOUND_PAGE,
]
