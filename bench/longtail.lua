-- The long tail's load (bench/longtail.py): each request asks for the next address of a list
-- that longtail.py wrote (one path a line, already drawn by popularity), and the responses
-- are counted by their X-Page-Cache header ("hit", "stale": from the cache though retired or
-- past its time, while it is rendered anew; "miss"; absent: not a cacheable page) and
-- by status. The API's addresses are asked as JSON, the others as HTML.
--
-- Arguments (after wrk's "--"): the file of paths, the line to start from, and how far apart
-- the threads start (each thread walks its own part of the list, wrapping around).
--
-- At the end it prints, after wrk's own report:
--   page-cache: hit=<n> miss=<n> none=<n> stale=<n>
--   statuses: 2xx=<n> 3xx=<n> 4xx=<n> 5xx=<n>
--   latency-us: p50=<n> p90=<n> p99=<n> max=<n>

local threads = {}
local counters = { "hit", "miss", "none", "stale", "s2xx", "s3xx", "s4xx", "s5xx" }

function setup(thread)
   thread:set("id", #threads)
   table.insert(threads, thread)
end

function init(args)
   paths = {}
   for line in io.lines(args[1]) do
      if #line > 0 then
         paths[#paths + 1] = line
      end
   end
   position = (tonumber(args[2] or "0") + id * tonumber(args[3] or "0")) % #paths
   html, api = {}, {}
   for name, value in pairs(wrk.headers) do
      html[name], api[name] = value, value
   end
   html["Accept"] = "text/html"
   api["Accept"] = "application/json"
   for _, name in ipairs(counters) do
      _G[name] = 0
   end
end

function request()
   position = position % #paths + 1
   local path = paths[position]
   if path:sub(1, 5) == "/api/" then
      return wrk.format("GET", path, api)
   end
   return wrk.format("GET", path, html)
end

function response(status, headers, body)
   local state = headers["X-Page-Cache"] or headers["x-page-cache"]
   if state == "hit" then
      hit = hit + 1
   elseif state == "stale" then
      stale = stale + 1
   elseif state == "miss" then
      miss = miss + 1
   else
      none = none + 1
   end
   local class = "s" .. math.floor(status / 100) .. "xx"
   if _G[class] ~= nil then
      _G[class] = _G[class] + 1
   end
end

function done(summary, latency, requests)
   local totals = {}
   for _, name in ipairs(counters) do
      totals[name] = 0
      for _, thread in ipairs(threads) do
         totals[name] = totals[name] + (thread:get(name) or 0)
      end
   end
   io.write(string.format(
      "page-cache: hit=%d miss=%d none=%d stale=%d\n", totals.hit, totals.miss, totals.none, totals.stale
   ))
   io.write(string.format(
      "statuses: 2xx=%d 3xx=%d 4xx=%d 5xx=%d\n", totals.s2xx, totals.s3xx, totals.s4xx, totals.s5xx
   ))
   io.write(string.format(
      "latency-us: p50=%d p90=%d p99=%d max=%d\n",
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max
   ))
end
