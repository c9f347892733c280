-- wrk script: cycle through the URL paths listed in $BENCH_PATHS (one per line), sending the
-- $BENCH_COOKIE header when set, and print one JSON line of totals and latency percentiles.
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do
  paths[#paths + 1] = line
end
local cookie = os.getenv("BENCH_COOKIE") or ""
local headers = {}
if cookie ~= "" then
  headers["Cookie"] = cookie
end

local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("offset", counter * 7919)
end

local i = nil
function request()
  if i == nil then
    i = (offset or 0) % #paths
  end
  i = i % #paths + 1
  return wrk.format("GET", paths[i], headers)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "connect_errors": %d, "read_errors": %d, '
      .. '"write_errors": %d, "timeouts": %d, "bad_status": %d, '
      .. '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.timeout, e.status,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max
  ))
end
