-- wrk script: GET /api/search with the query mix of bench_store.c, in turn,
-- so that every connection asks every query.  Not a test.
--   wrk -t2 -c32 -d30s -s bench/search/wrk-mix.lua http://127.0.0.1:PORT
local queries = {
  "", "industry=G&status=registered", "q=数据", "q=数据集", "q=北京", "q=交通",
  "q=北京 客流", "q=港口 吞吐量", "q=上海 出租车 轨迹", "q=半导体 价格 青岛",
  "q=\"container throughput\"", "q=Beijing taxi", "q=卫星遥感 OR 地理信息",
  "q=深圳 充电桩 -2020", "q=港", "q=数据 北京 交通",
  "q=电力&industry=D&from=2025-01-01&to=2025-12-31", "q=数据&status=revoked",
  "q=北京&sort=newest", "q=20241111000000042",
}

local function escape(s)
  return (s:gsub("[^%w%-_%.~=&]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local paths = {}
for i, q in ipairs(queries) do paths[i] = "/api/search?" .. escape(q) end
local n = 0

request = function()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1])
end

done = function(summary, latency, requests)
  io.write(string.format("requests %d, errors %d (status %d), %.0f/s; latency p50 %.2f ms, p99 %.2f ms\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read +
    summary.errors.timeout, summary.errors.status, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
