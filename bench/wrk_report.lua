-- wrk script for bench/run.py: rotates through the paths in BENCH_PATHS (one per line, in a file named
-- by the environment variable), sends the headers in BENCH_HEADERS, and prints one JSON line with the
-- counts and the latency percentiles (microseconds) when the run ends.
local paths = {}
local headers = {}
local counter = 0

local function lines(name)
  local found = {}
  local file = name and io.open(name, "r")
  if file then
    for line in file:lines() do
      if line ~= "" then found[#found + 1] = line end
    end
    file:close()
  end
  return found
end

init = function(args)
  paths = lines(os.getenv("BENCH_PATHS"))
  for _, line in ipairs(lines(os.getenv("BENCH_HEADERS"))) do
    local name, value = line:match("^([^:]+):%s*(.*)$")
    if name then headers[name] = value end
  end
end

request = function()
  counter = counter + 1
  local path = paths[(counter - 1) % #paths + 1]
  return wrk.format("GET", path, headers)
end

done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "socket_errors": %d, "non_2xx_3xx": %d, '
      .. '"p50_us": %d, "p95_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration, errors.connect + errors.read + errors.write + errors.timeout,
    errors.status, latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
