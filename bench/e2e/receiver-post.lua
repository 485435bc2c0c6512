-- wrk script for the receiver's raw limit: POST a 1 KiB JSON body, as dispatch would deliver a webhook.
local body = '{"type":"bench.one.0","timestamp":"2026-01-01T00:00:00Z","data":{"pad":"' .. string.rep("x", 960) .. '"}}'
wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"
wrk.headers["webhook-id"] = "msg_bench"
