-- wrk script for one hostile kind (bench/hostile.py runs one wrk per kind, so each kind's
-- rate and latency are its own). Env: BENCH_BODY_FILE, a file holding the JSON body (up to
-- 256 KiB: too long for an environment variable), whose text holds __N__ once
-- (replaced by BENCH_TAG and a counter, so every request is a new document and no cache
-- answers it); BENCH_TOKEN, optional bearer token; BENCH_EXPECT, "answered" or the limit
-- that must refuse it (GRAPHQL_MAX_COST...); BENCH_MAX_REQUESTS, a cap per thread.
-- Prints one line, BENCH_JSON {...}, when done.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local token = os.getenv("BENCH_TOKEN") or ""
if token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end
local file = assert(io.open(os.getenv("BENCH_BODY_FILE"), "rb"))
local template = file:read("*a")
file:close()
local at = string.find(template, "__N__", 1, true)
local prefix = string.sub(template, 1, at - 1)
local suffix = string.sub(template, at + 5)
local expect = os.getenv("BENCH_EXPECT")
local max_requests = tonumber(os.getenv("BENCH_MAX_REQUESTS") or "0")
local tag = os.getenv("BENCH_TAG") or "x"

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  sent = 0
  answered = 0   -- 200 with data and no errors
  refused = 0    -- 200 refused by the expected limit
  wrong = 0      -- the other outcome: answered when it must be refused, or the reverse
  internal = 0   -- an internal error in the answer
  server_5xx = 0
  shed = 0       -- 503 TIMEOUT: the request deadline cancelled it (the gateway shedding load)
  other_status = 0
  body_bytes = 0
  prefix = prefix .. tag .. "_" .. id .. "_"
end

function request()
  sent = sent + 1
  return wrk.format(nil, nil, nil, prefix .. sent .. suffix)
end

function response(status, headers, body)
  body_bytes = body_bytes + #body
  if status == 503 and string.find(body, '"code":"TIMEOUT"', 1, true) then
    shed = shed + 1
  elseif status >= 500 then
    server_5xx = server_5xx + 1
  elseif status ~= 200 then
    other_status = other_status + 1
  elseif string.find(body, "Internal server error", 1, true) then
    internal = internal + 1
  elseif expect == "answered" then
    if string.find(body, '"errors"', 1, true) then
      wrong = wrong + 1
    else
      answered = answered + 1
    end
  elseif string.find(body, '"limit":"' .. expect .. '"', 1, true)
      and string.find(body, '"BAD_USER_INPUT"', 1, true) then
    refused = refused + 1
  else
    wrong = wrong + 1
  end
  if max_requests > 0 and answered + refused + wrong + internal + shed >= max_requests then
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local totals = {answered = 0, refused = 0, wrong = 0, internal = 0, server_5xx = 0,
                  shed = 0, other_status = 0, body_bytes = 0}
  for _, thread in ipairs(threads) do
    for key, _ in pairs(totals) do
      totals[key] = totals[key] + thread:get(key)
    end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %.0f, "duration_s": %.6f, "p50_ms": %.3f, "p99_ms": %.3f, '
      .. '"mean_ms": %.3f, "max_ms": %.3f, "answered": %.0f, "refused": %.0f, '
      .. '"wrong": %.0f, "internal": %.0f, "server_5xx": %.0f, "shed": %.0f, '
      .. '"other_status": %.0f, "body_bytes": %.0f, "transport_errors": %.0f, "timeouts": %.0f}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(99) / 1e3, latency.mean / 1e3, latency.max / 1e3, totals.answered,
    totals.refused, totals.wrong, totals.internal, totals.server_5xx, totals.shed,
    totals.other_status,
    totals.body_bytes, e.connect + e.read + e.write, e.timeout))
end
