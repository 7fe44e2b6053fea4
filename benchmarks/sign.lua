-- wrk script: every request is a new supporter sending the pledge form, each with an address of
-- its own; every answer is written down, so that each acknowledged one can be looked for in the
-- database. Run with as many threads as connections, so that a thread's last request is the one
-- its answer is for. (wrk may ask for a request again before sending one, while TLS waits, so
-- requests made are not requests sent: the answers and wrk's own error counts are what count.)
--
--   wrk -tN -cN -d10s --timeout 10s -s sign.lua URL -- PATH COOKIE TOKEN STARTED RUN RATE FOLDER ORIGIN
--
-- RATE: forms a second for each connection, as long as answers come in time (0: no pause).

local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("number", threads)
end

local function form_encoded(text)
  return (text:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long seconds; long nanoseconds; } moment;
  int clock_gettime(int clock, moment *now);
]]
local moment = ffi.new("moment")

local function now_ms()
  ffi.C.clock_gettime(1, moment) -- CLOCK_MONOTONIC
  return tonumber(moment.seconds) * 1000 + tonumber(moment.nanoseconds) / 1e6
end

local path, headers, fields, run, rate, answers
local sent, answered, email, began = 0, 0, nil, nil

function init(args)
  path, run, rate = args[1], args[5], tonumber(args[6])
  headers = {
    ["Cookie"] = "csrftoken=" .. args[2],
    ["Origin"] = args[8],
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }
  fields = "csrfmiddlewaretoken=" .. form_encoded(args[3]) .. "&started=" .. form_encoded(args[4])
    .. "&first_name=Scale&last_name=&postcode=NW3+7UX&sign=on&email="
  answers = io.open(args[7] .. "/" .. number .. ".answers", "w")
  began = now_ms()
end

function request()
  sent = sent + 1
  email = run .. "-" .. number .. "-" .. sent .. "@example.org"
  return wrk.format("POST", path, headers, fields .. form_encoded(email))
end

-- Only the status: wrk's table of headers may hold an earlier answer's on the same connection
-- (every 503 the site and HAProxy give says Retry-After; tests/test_deploy.py holds that true).
function response(status, headers, body)
  answered = answered + 1
  answers:write(status, " ", email, "\n")
  answers:flush()
end

-- The next form is due at its place in this connection's share of the rate; one that is late
-- (its answer was slow) goes at once. Counted by answers: request() may be called again for one
-- request while TLS waits.
function delay()
  if rate == 0 then
    return 0
  end
  return math.max(0, math.floor(began + answered * 1000 / rate - now_ms()))
end
