// Eclipse Paho Go (github.com/eclipse/paho.mqtt.golang, MQTT 3.1.1) against a Wharf broker, as a Go
// application uses it.
//
//	paho <mqtt port> <websocket port> [scenario ...]
//
// Runs every scenario (or the ones named), each with a time limit, and prints one line per scenario,
// "ok <name> (<ms> ms)" or "FAILED <name>: <why>", then "<n> passed, <m> failed". Exits 0 only when every
// scenario passed. io.wharf.e2e.PahoGoTest builds it and runs it against a broker it started.
//
//	paho will-child <mqtt port> <client id> <will topic>
//
// connects with a will, prints "connected" and waits to be killed: the last-will scenario's vanishing client.
package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
)

const (
	scenarioTimeout = 15 * time.Second
	wait            = 10 * time.Second
)

var (
	mqttPort, wsPort string
	run              = strconv.FormatInt(time.Now().UnixNano()%1000000000, 36) // unique topics and ids per run
	opened           []mqtt.Client
)

func topic(base string) string { return "pahogo/" + run + "/" + base }
func id(base string) string    { return "pahogo-" + base + "-" + run }

type got struct {
	Topic, Payload string
	Qos            byte
	Retained       bool
}

// inbox collects what a handler receives, in order.
type inbox struct {
	mu  sync.Mutex
	got []got
	c   chan struct{}
}

func newInbox() *inbox { return &inbox{c: make(chan struct{}, 1000000)} }

func (b *inbox) handler(_ mqtt.Client, m mqtt.Message) {
	b.mu.Lock()
	b.got = append(b.got, got{m.Topic(), string(m.Payload()), m.Qos(), m.Retained()})
	b.mu.Unlock()
	b.c <- struct{}{}
}

// take returns the next n messages, waiting up to `wait` for them.
func (b *inbox) take(n int) []got {
	deadline := time.After(wait)
	for i := 0; i < n; i++ {
		select {
		case <-b.c:
		case <-deadline:
			b.mu.Lock()
			defer b.mu.Unlock()
			panic(fmt.Sprintf("timed out waiting for %d messages, got %v", n, b.got))
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	out := append([]got(nil), b.got[:n]...)
	b.got = b.got[n:]
	return out
}

func options(clientID, url string) *mqtt.ClientOptions {
	return mqtt.NewClientOptions().AddBroker(url).SetClientID(clientID).SetUsername("guest").SetPassword("guest").
		SetProtocolVersion(4).SetAutoReconnect(false).SetConnectTimeout(wait).SetOrderMatters(true)
}

func tcpURL() string { return "tcp://127.0.0.1:" + mqttPort }

func connectWith(o *mqtt.ClientOptions) mqtt.Client {
	c := mqtt.NewClient(o)
	opened = append(opened, c)
	await(c.Connect(), "connect "+o.ClientID)
	return c
}

func connect(clientID string) mqtt.Client { return connectWith(options(clientID, tcpURL())) }

func await(t mqtt.Token, what string) {
	if !t.WaitTimeout(wait) {
		panic(what + ": no answer within " + wait.String())
	}
	if t.Error() != nil {
		panic(fmt.Sprintf("%s: %v", what, t.Error()))
	}
}

func subscribe(c mqtt.Client, filter string, qos byte, b *inbox) {
	await(c.Subscribe(filter, qos, b.handler), "subscribe "+filter)
}

func publish(c mqtt.Client, t string, qos byte, retained bool, payload string) {
	await(c.Publish(t, qos, retained, payload), "publish to "+t)
}

func check(cond bool, format string, args ...interface{}) {
	if !cond {
		panic(fmt.Sprintf(format, args...))
	}
}

func equal(what string, actual, expected interface{}) {
	check(reflect.DeepEqual(actual, expected), "%s: expected %v, got %v", what, expected, actual)
}

// upToMarker publishes a marker and returns what arrived before it: shows that nothing else came.
func upToMarker(pub mqtt.Client, b *inbox, t string) []got {
	marker := "marker " + strconv.FormatInt(time.Now().UnixNano(), 10)
	publish(pub, t, 1, false, marker)
	var before []got
	for {
		m := b.take(1)[0]
		if m.Payload == marker {
			return before
		}
		before = append(before, m)
	}
}

// until waits for cond, failing with what after `wait`.
func until(what string, cond func() bool) {
	deadline := time.Now().Add(wait)
	for !cond() {
		check(time.Now().Before(deadline), "timed out waiting for %s", what)
		time.Sleep(2 * time.Millisecond) // polls: Paho's goroutines run in between
	}
}

var scenarios = []struct {
	name string
	run  func()
}{
	// User and password: accepted; a wrong password is CONNACK 4 and a connect error.
	{"connect-credentials", func() {
		c := connect(id("creds"))
		check(c.IsConnected(), "not connected")
		c.Disconnect(250)
		bad := mqtt.NewClient(options(id("creds-bad"), tcpURL()).SetPassword("wrong"))
		t := bad.Connect()
		check(t.WaitTimeout(wait), "no CONNACK for a wrong password")
		check(t.Error() != nil, "a wrong password was accepted")
		equal("return code", t.(*mqtt.ConnectToken).ReturnCode(), byte(4))
	}},
	// QoS 0, 1 and 2 through + and #: in order, at the published QoS (or the lower granted one).
	{"qos-round-trip", func() {
		sub := connect(id("qos-sub"))
		b := newInbox()
		subscribe(sub, topic("qos/+/t"), 2, b)
		pub := connect(id("qos-pub"))
		for q := byte(0); q <= 2; q++ {
			publish(pub, topic(fmt.Sprintf("qos/q%d/t", q)), q, false, fmt.Sprintf("at %d", q))
		}
		var want []got
		for q := byte(0); q <= 2; q++ {
			want = append(want, got{topic(fmt.Sprintf("qos/q%d/t", q)), fmt.Sprintf("at %d", q), q, false})
		}
		equal("deliveries", b.take(3), want)
		h := newInbox()
		subscribe(sub, topic("hash/#"), 1, h)
		publish(pub, topic("hash"), 2, false, "parent")
		publish(pub, topic("hash/a/b"), 2, false, "deep")
		equal("# deliveries at granted QoS 1", h.take(2),
			[]got{{topic("hash"), "parent", 1, false}, {topic("hash/a/b"), "deep", 1, false}})
	}},
	// CleanSession=false: QoS 1 messages published while the client was away arrive after it reconnects, in order.
	{"persistent-session", func() {
		clientID := id("session")
		t := topic("session/t")
		first := connectWith(options(clientID, tcpURL()).SetCleanSession(false))
		subscribe(first, t, 1, newInbox())
		first.Disconnect(250)
		pub := connect(id("session-pub"))
		for i := 0; i < 10; i++ {
			publish(pub, t, 1, false, fmt.Sprintf("queued %d", i))
		}
		b := newInbox()
		// The queued messages come before any Subscribe: the default handler gets them.
		connectWith(options(clientID, tcpURL()).SetCleanSession(false).SetDefaultPublishHandler(b.handler))
		var want []got
		for i := 0; i < 10; i++ {
			want = append(want, got{t, fmt.Sprintf("queued %d", i), 1, false})
		}
		equal("queued messages", b.take(10), want)
		connectWith(options(clientID, tcpURL())).Disconnect(250) // a clean session leaves none behind
	}},
	// A retained message reaches a later subscriber with RETAIN set; an empty retained payload clears it.
	{"retained", func() {
		t := topic("retained/status")
		pub := connect(id("ret-pub"))
		publish(pub, t, 1, true, "online")
		late := connect(id("ret-late"))
		b := newInbox()
		subscribe(late, topic("retained/+"), 1, b)
		equal("retained delivery", b.take(1), []got{{t, "online", 1, true}})
		publish(pub, t, 1, true, "")
		equal("clearing publish to a live subscriber", b.take(1), []got{{t, "", 1, false}})
		later := connect(id("ret-later"))
		b2 := newInbox()
		subscribe(later, topic("retained/+"), 1, b2)
		equal("after clearing", upToMarker(pub, b2, topic("retained/marker")), []got(nil))
	}},
	// The will goes out when the client's process is killed, not after Disconnect.
	{"last-will", func() {
		watcher := connect(id("will-watcher"))
		b := newInbox()
		subscribe(watcher, topic("will/#"), 1, b)
		child := exec.Command(os.Args[0], "will-child", mqttPort, id("will-killed"), topic("will/killed"))
		child.Stderr = os.Stderr
		out, err := child.StdoutPipe()
		check(err == nil, "pipe: %v", err)
		check(child.Start() == nil, "start will-child")
		line, _ := bufio.NewReader(out).ReadString('\n')
		equal("will-child says", strings.TrimSpace(line), "connected")
		check(child.Process.Kill() == nil, "kill will-child")
		child.Wait()
		equal("will", b.take(1), []got{{topic("will/killed"), "killed is gone", 1, false}})
		polite := connectWith(options(id("will-polite"), tcpURL()).SetWill(topic("will/polite"), "polite is gone", 1, false))
		polite.Disconnect(250)
		equal("after Disconnect", upToMarker(watcher, b, topic("will/marker")), []got(nil))
	}},
	// Another connection with the same client id takes over; Paho reconnects on its own, subscribes again in its
	// OnConnect handler (its usual pattern) and receives again; the intruder is the one closed then.
	{"auto-reconnect", func() {
		clientID := id("reconnect")
		t := topic("reconnect/t")
		b := newInbox()
		var connects, losses int32
		c := connectWith(options(clientID, tcpURL()).SetAutoReconnect(true).SetMaxReconnectInterval(time.Second).
			SetOnConnectHandler(func(c mqtt.Client) {
				await(c.Subscribe(t, 1, b.handler), "subscribe in OnConnect")
				atomic.AddInt32(&connects, 1)
			}).
			SetConnectionLostHandler(func(mqtt.Client, error) { atomic.AddInt32(&losses, 1) }))
		until("the first OnConnect", func() bool { return atomic.LoadInt32(&connects) == 1 })
		var intruderLost int32
		connectWith(options(clientID, tcpURL()).
			SetConnectionLostHandler(func(mqtt.Client, error) { atomic.AddInt32(&intruderLost, 1) }))
		until("the reconnect", func() bool { return atomic.LoadInt32(&connects) == 2 })
		until("the intruder closed", func() bool { return atomic.LoadInt32(&intruderLost) == 1 })
		equal("connections lost", atomic.LoadInt32(&losses), int32(1))
		check(c.IsConnected(), "not connected after the reconnect")
		pub := connect(id("reconnect-pub"))
		publish(pub, t, 1, false, "after reconnect")
		equal("delivery after reconnect", b.take(1), []got{{t, "after reconnect", 1, false}})
	}},
	// ws://127.0.0.1:<port>/mqtt: QoS 2 both ways with a TCP client.
	{"websocket", func() {
		ws := connectWith(options(id("ws"), "ws://127.0.0.1:"+wsPort+"/mqtt"))
		tcp := connect(id("ws-tcp"))
		atTCP, atWS := newInbox(), newInbox()
		subscribe(tcp, topic("ws/up"), 2, atTCP)
		subscribe(ws, topic("ws/down"), 2, atWS)
		publish(ws, topic("ws/up"), 2, false, "from websocket")
		equal("at the TCP client", atTCP.take(1), []got{{topic("ws/up"), "from websocket", 2, false}})
		big := strings.Repeat("x", 100000)
		publish(tcp, topic("ws/down"), 2, false, big)
		m := atWS.take(1)[0]
		equal("at the WebSocket client", []interface{}{m.Topic, len(m.Payload), m.Qos}, []interface{}{topic("ws/down"), 100000, byte(2)})
	}},
}

func willChild(port, clientID, willTopic string) {
	mqttPort = port
	o := options(clientID, tcpURL()).SetWill(willTopic, "killed is gone", 1, false)
	c := mqtt.NewClient(o)
	await(c.Connect(), "connect")
	fmt.Println("connected")
	select {}
}

func runScenario(name string, f func()) (err error) {
	done := make(chan error, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- fmt.Errorf("%v", r)
			}
		}()
		f()
		done <- nil
	}()
	select {
	case err = <-done:
	case <-time.After(scenarioTimeout):
		err = fmt.Errorf("did not finish within %s", scenarioTimeout)
	}
	return err
}

func main() {
	if len(os.Args) == 5 && os.Args[1] == "will-child" {
		willChild(os.Args[2], os.Args[3], os.Args[4])
		return
	}
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: paho <mqtt port> <websocket port> [scenario ...]")
		os.Exit(2)
	}
	mqttPort, wsPort = os.Args[1], os.Args[2]
	names := os.Args[3:]
	if len(names) == 0 {
		for _, s := range scenarios {
			names = append(names, s.name)
		}
	}
	passed, failed := 0, 0
	for _, name := range names {
		started := time.Now()
		var f func()
		for _, s := range scenarios {
			if s.name == name {
				f = s.run
			}
		}
		var err error
		if f == nil {
			err = fmt.Errorf("no such scenario")
		} else {
			err = runScenario(name, f)
		}
		for _, c := range opened {
			if c.IsConnected() {
				c.Disconnect(0)
			}
		}
		opened = nil
		if err == nil {
			fmt.Printf("ok %s (%d ms)\n", name, time.Since(started).Milliseconds())
			passed++
		} else {
			fmt.Printf("FAILED %s: %s\n", name, strings.ReplaceAll(err.Error(), "\n", " | "))
			failed++
		}
	}
	fmt.Printf("%d passed, %d failed\n", passed, failed)
	if failed > 0 {
		os.Exit(1)
	}
}
