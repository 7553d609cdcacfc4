-- The wrk script of every case; the bench (bench/wrk.py) sets it up through the environment:
--   BENCH_METHOD   GET, POST or PATCH (default GET)
--   BENCH_PATHS    one path, or several separated by spaces (taken in turn, per connection thread)
--   BENCH_TOKEN    bearer token (optional)
--   BENCH_BODY     request body (optional): JSON unless BENCH_HEADERS names a Content-Type
--   BENCH_HEADERS  more request headers, one "Name: value" a line (optional)
--   BENCH_UNIQUE   "1": append "&n=<run>-<count>" to every request, so that no two requests (of
--                  this run or an earlier one) share an address and no list page is cached
--   BENCH_LUA_DIR  this directory: a case's own script can dofile(BENCH_LUA_DIR .. "/request.lua")
--                  and then replace request() or add response()
-- done() prints one line "BENCH_JSON {...}" that bench/wrk.py reads: request count, duration,
-- latency percentiles (microseconds) and error counts. wrk's `status` errors are the
-- responses with a status >= 400 (a 304 is not one).

local paths = {}
for path in string.gmatch(os.getenv("BENCH_PATHS") or "/", "%S+") do
  paths[#paths + 1] = path
end

wrk.method = os.getenv("BENCH_METHOD") or "GET"
wrk.path = paths[1]
local token = os.getenv("BENCH_TOKEN")
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end
for line in string.gmatch(os.getenv("BENCH_HEADERS") or "", "[^\n]+") do
  local name, value = string.match(line, "^([^:]+):%s*(.*)$")
  if name then
    wrk.headers[name] = value
  end
end
local body = os.getenv("BENCH_BODY")
if body and body ~= "" then
  wrk.body = body
  wrk.headers["Content-Type"] = wrk.headers["Content-Type"] or "application/json"
end

if os.getenv("BENCH_UNIQUE") == "1" then
  local run = os.time() .. "-" .. math.random(1000000)
  local count = 0
  request = function()
    count = count + 1
    return wrk.format(nil, paths[1] .. "&n=" .. run .. "-" .. count)
  end
elseif #paths > 1 then
  local i = math.random(#paths)
  request = function()
    i = i % #paths + 1
    return wrk.format(nil, paths[i])
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,'
      .. '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f,'
      .. '"connect":%d,"read":%d,"write":%d,"timeout":%d,"status":%d}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
    e.connect, e.read, e.write, e.timeout, e.status))
end
