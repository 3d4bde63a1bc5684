-- wrk: each request after a pause of 0 to 1.5 s, so the proxy's pooled backend connections
-- sit idle around the backend's 1 s keep-alive timeout, where a request sent on one the
-- backend is closing meets its close (bench.sh PART=race).
math.randomseed(os.time())

function delay()
  return math.random(0, 1500)
end
