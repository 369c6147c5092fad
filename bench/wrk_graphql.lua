-- wrk script: POSTs one GraphQL body (env BENCH_BODY) with an optional bearer token
-- (env BENCH_TOKEN); counts non-200 answers and 200 answers carrying GraphQL "errors",
-- and prints one machine-readable line, BENCH_JSON {...}, when done.
wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY")
wrk.headers["Content-Type"] = "application/json"
local token = os.getenv("BENCH_TOKEN") or ""
if token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  bad_status = 0
  graphql_errors = 0
end

function response(status, headers, body)
  if status ~= 200 then
    bad_status = bad_status + 1
  elseif string.find(body, '"errors"', 1, true) then
    graphql_errors = graphql_errors + 1
  end
end

function done(summary, latency, requests)
  local bad, gql = 0, 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("bad_status")
    gql = gql + thread:get("graphql_errors")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %.0f, "duration_s": %.6f, "p50_ms": %.3f, "p99_ms": %.3f, '
      .. '"mean_ms": %.3f, "max_ms": %.3f, "bad_status": %.0f, "graphql_errors": %.0f, '
      .. '"transport_errors": %.0f}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(99) / 1e3, latency.mean / 1e3, latency.max / 1e3, bad, gql,
    e.connect + e.read + e.write + e.timeout))
end
