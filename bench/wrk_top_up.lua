-- wrk script: every request a distinct top-up, POSTed with a bearer token. The idempotency
-- key is "<BENCH_RUN>-<thread>-<n>", so no request replays another (and runs do not replay
-- each other). Settings from the environment: BENCH_TOKEN, BENCH_MSISDN, BENCH_RUN,
-- BENCH_AMOUNT (default 10.00), BENCH_CARD (default tok_visa), BENCH_IDS_FILE.
--
-- Counts non-200 answers, 200 answers carrying GraphQL "errors", and 200 answers whose
-- payment did not succeed; keeps the payment id of every answer that did, and writes them,
-- one per line, to BENCH_IDS_FILE when done (the benchmark checks them against the
-- database). Prints one machine-readable line, BENCH_JSON {...}, like wrk_graphql.lua, plus
-- "sent": requests written, so sent - requests = requests in flight when wrk stopped.
local token = os.getenv("BENCH_TOKEN") or ""
local msisdn = os.getenv("BENCH_MSISDN") or ""
local run = os.getenv("BENCH_RUN") or "run"
local amount = os.getenv("BENCH_AMOUNT") or "10.00"
local card = os.getenv("BENCH_CARD") or "tok_visa"
local ids_file = os.getenv("BENCH_IDS_FILE") or ""
local document = "mutation($input: TopUpInput!) { topUp(input: $input) { payment { id status } } }"

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
end

function init(args)
  sent = 0
  bad_status = 0
  graphql_errors = 0
  not_succeeded = 0
  ids = {}
end

function request()
  sent = sent + 1
  local key = string.format("%s-%d-%d", run, thread_number, sent)
  local body = string.format(
    '{"query": "%s", "variables": {"input": {"msisdn": "%s", "amount": "%s", '
      .. '"idempotencyKey": "%s", "cardToken": "%s"}}}',
    document, msisdn, amount, key, card)
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  if status ~= 200 then
    bad_status = bad_status + 1
  elseif string.find(body, '"errors"', 1, true) then
    graphql_errors = graphql_errors + 1
  elseif not string.find(body, '"SUCCEEDED"', 1, true) then
    not_succeeded = not_succeeded + 1
  else
    ids[#ids + 1] = string.match(body, '"id":%s*"([^"]+)"') or "?"
  end
end

function done(summary, latency, requests)
  local bad, gql, failed, written, succeeded = 0, 0, 0, 0, 0
  local out = nil
  if ids_file ~= "" then
    out = assert(io.open(ids_file, "w"))
  end
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("bad_status")
    gql = gql + thread:get("graphql_errors")
    failed = failed + thread:get("not_succeeded")
    written = written + thread:get("sent")
    local answered = thread:get("ids")
    succeeded = succeeded + #answered
    if out then
      for _, id in ipairs(answered) do
        out:write(id, "\n")
      end
    end
  end
  if out then
    out:close()
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %.0f, "duration_s": %.6f, "p50_ms": %.3f, "p99_ms": %.3f, '
      .. '"mean_ms": %.3f, "max_ms": %.3f, "bad_status": %.0f, "graphql_errors": %.0f, '
      .. '"transport_errors": %.0f, "not_succeeded": %.0f, "succeeded": %.0f, "sent": %.0f}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(99) / 1e3, latency.mean / 1e3, latency.max / 1e3, bad, gql,
    e.connect + e.read + e.write + e.timeout, failed, succeeded, written))
end
