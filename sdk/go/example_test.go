package raetsdk_test

import (
	"errors"
	"fmt"
	"log"
	"time"

	raetsdk "raet.io/raetsdk"
	"raet.io/raetsdk/lane"
)

// A worker serves the share jobs; a client asks it through the router of the host (which must be running at
// /var/cache/raet/lane.router.uxd) and is refused by its policy for admin shares.
func Example() {
	dir := "/var/cache/raet"
	worker, err := raetsdk.Open("worker1", &raetsdk.Options{Dir: dir})
	if err != nil {
		log.Fatal(err)
	}
	defer worker.Close()
	client, err := raetsdk.Open("client", &raetsdk.Options{Dir: dir})
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	jobs, err := worker.Share("jobs", raetsdk.Queue, 0) // messages to ["", "worker1", "jobs"]
	if err != nil {
		log.Fatal(err)
	}
	go func() {
		req := jobs.Receive(5 * time.Second)
		if req == nil {
			return
		}
		var nums []int
		if err := req.Decode(&nums); err != nil {
			worker.RespondError(req, raetsdk.CodeFailed, err.Error())
			return
		}
		sum := 0
		for _, n := range nums {
			sum += n
		}
		worker.Respond(req, lane.MapOf("sum", sum))
	}()

	answer, err := client.Request(raetsdk.Address{Yard: "worker1", Share: "jobs"}, []int{1, 2, 3}, 5*time.Second)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(answer.(*lane.Map).Value("sum")) // 6

	_, err = client.Request(raetsdk.Address{Share: "admin.reset"}, nil, 2*time.Second)
	var refused *raetsdk.RouteError
	if errors.As(err, &refused) {
		fmt.Println("refused:", refused.Code) // e.g. denied, unknown_share
	}
}
