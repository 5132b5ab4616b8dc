-- submit.lua - wrk script for bench P3: each request submits one of the
-- benchmark applicant's drafts (POST /api/applications/{id}/submit), every
-- draft once.  The ids FIRST..LAST are split between wrk's THREADS threads;
-- a thread that runs out repeats its last id (a 409, which is not counted).
--   wrk -t THREADS -s bench/wrk/submit.lua URL -- TOKEN FIRST LAST THREADS
local count = 0

function setup(thread)
	count = count + 1
	thread:set("index", count)
end

function init(args)
	local first, last, n = tonumber(args[2]), tonumber(args[3]), tonumber(args[4])
	local span = math.floor((last - first + 1) / n)

	next_id = first + (index - 1) * span
	stop_id = next_id + span - 1
	wrk.headers["Authorization"] = "Bearer " .. args[1]
end

function request()
	local id = next_id
	if next_id < stop_id then
		next_id = next_id + 1
	end
	return wrk.format("POST", "/api/applications/" .. id .. "/submit")
end
