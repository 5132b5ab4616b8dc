-- search.lua - wrk script for bench P2: full-text queries of the public
-- register (GET /api/search?q=...), broad and selective, Chinese and
-- English, in turn.
local queries = {
	"数据", "北京", "交通", "客流", "电力 负荷", "医疗影像", "北京 公共交通 客流",
	"金融 风控", "气象", "港口 集装箱", "dataset", "Beijing taxi", "power load",
	"卫星遥感", "企业信用", "空气质量 监测", "农产品 价格", "教育", "物流 轨迹", "半导体",
}
local i = 0

local function escape(s)
	return (s:gsub("[^%w%-_.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function request()
	i = i % #queries + 1
	return wrk.format("GET", "/api/search?q=" .. escape(queries[i]))
end
