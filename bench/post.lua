-- wrk script: POST the GraphQL request in $BENCH_BODY_FILE to /graphql and
-- count responses that are not HTTP 200 or that carry GraphQL errors.
local f = assert(io.open(os.getenv("BENCH_BODY_FILE"), "r"))
local body = f:read("*a")
f:close()
wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"
local key = os.getenv("BENCH_API_KEY")
if key and key ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. key
end

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  graphql_errors = 0
  bad_status = 0
end

function response(status, headers, body)
  if status ~= 200 then
    bad_status = bad_status + 1
  elseif string.find(body, '"errors"', 1, true) then
    graphql_errors = graphql_errors + 1
  end
end

function done(summary, latency, requests)
  local errors, statuses = 0, 0
  for _, thread in ipairs(threads) do
    errors = errors + thread:get("graphql_errors")
    statuses = statuses + thread:get("bad_status")
  end
  io.write(string.format("BENCH requests=%d duration_us=%d rps=%.1f p50_ms=%.2f p99_ms=%.2f graphql_errors=%d bad_status=%d socket_errors=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    errors, statuses,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
