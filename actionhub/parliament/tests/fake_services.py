"""A local stand-in for postcodes.io and the Members API, speaking their documented JSON."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

POSTCODES = {
    "NW3 7UX": {
        "postcode": "NW3 7UX",
        "country": "England",
        "parliamentary_constituency_2024": "Hampstead and Highgate",
        "codes": {"parliamentary_constituency_2024": "E14001265"},
    },
    "SW1A 1AA": {
        "postcode": "SW1A 1AA",
        "parliamentary_constituency_2024": "Cities of London and Westminster",
        "codes": {"parliamentary_constituency_2024": "E14001172"},
    },
}
TERMINATED = {"NW3 9ZZ"}
MEMBERS = {
    "Hampstead and Highgate": {
        "id": 910001,
        "nameDisplayAs": "Ada Example",
        "latestParty": {"name": "Example Party"},
    },
}


class FakeServices:
    """Start with `with FakeServices() as fake:`; `fake.url` serves both APIs."""

    def __init__(self):
        self.requests: list[str] = []
        self.fail_next = 0  # answer this many requests with 503 first
        self.delay = 0.0
        services = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                import time

                services.requests.append(self.path)
                if services.delay:
                    time.sleep(services.delay)
                if services.fail_next:
                    services.fail_next -= 1
                    return self.answer(503, {"status": 503, "error": "Service unavailable"})
                path = urlsplit(self.path)
                if path.path.startswith("/postcodes/"):
                    postcode = unquote(path.path.removeprefix("/postcodes/"))
                    if postcode in POSTCODES:
                        return self.answer(200, {"status": 200, "result": POSTCODES[postcode]})
                    return self.answer(404, {"status": 404, "error": "Postcode not found"})
                if path.path.startswith("/terminated_postcodes/"):
                    postcode = unquote(path.path.removeprefix("/terminated_postcodes/"))
                    if postcode in TERMINATED:
                        return self.answer(200, {"status": 200, "result": {"postcode": postcode}})
                    return self.answer(
                        404, {"status": 404, "error": "Terminated postcode not found"}
                    )
                if path.path == "/api/Location/Constituency/Search":
                    text = parse_qs(path.query).get("searchText", [""])[0]
                    items = []
                    for name, member in MEMBERS.items():
                        if text.casefold() in name.casefold():
                            items.append(
                                {
                                    "value": {
                                        "id": 4521,
                                        "name": name,
                                        "currentRepresentation": {"member": {"value": member}},
                                    }
                                }
                            )
                    return self.answer(200, {"items": items, "totalResults": len(items)})
                return self.answer(404, {"status": 404})

            def answer(self, status, body):
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
