package main

import (
	"encoding/json"
	"fmt"
	"os"

	"sigs.k8s.io/yaml"
)

func main() {
	strs := []string{"plain", "5647875786", "2026-11-30T23:07:33Z", "2026-1-2", "2026-13-01", "yes", "Off", "~", "", "1e3", ".5", "0x1F", "-12", "+1", "1e999", "<<", "y1",
		"a: b", "a #b", "#c", "- x", "-x", ":x", "x:", "it's", "'q'", "\"dq\"", " lead", "trail ", "tab\tin", "line1\nline2", "line1\nline2\n", "\nlead", "a\n\nb",
		"trail \nx", "x\n y", "caf\u00e9", "\u00a0nbsp", "bell\u0007", "\ufeffbom", "\u2028ls", "a\rb", "[x]", "{x}", "x,y", "x]", "@at", "`bt", "%p", "!bang", "&amp", "*star", "|pipe", ">gt", "?q", "? q", "---", "...x", "null", "NULL", "True", "0b101", "0o17", "017", "08", "1_000", "12:30", "1.5.3", "\u0085nel", "emoji\U0001F600", "a \u0085 b", "a\u0085\u0085b", "x\n\n", "  two lead", " ", "\t", "-", "?", ":", "#", "x #", "x#y", "a\u2028b", "a\r\nb", "\n", "x \n", "\u00a0", "---x", "- ", "1:2:3", "1.5", "-.5", "+.inf", ".NaN", "0x", "0b2", "1__2", "9223372036854775808", "18446744073709551616", "-9223372036854775809", "2006-01-02 15:04:05", "2006-01-02t15:04:05Z", "2006-01-02T15:04:05+01:00", "2006-1-2T1:2:3Z"}
	keys := map[string]interface{}{}
	for i, s := range strs {
		keys[fmt.Sprintf("k%02d", i)] = s
	}
	keys["a10"] = 1
	keys["a9"] = 2
	keys["a-b"] = 3
	keys["ab"] = true
	keys["a_b"] = nil
	keys["B"] = []interface{}{}
	keys["nested"] = map[string]interface{}{"list": []interface{}{map[string]interface{}{"x": "1", "y": []interface{}{"a", "b\nc"}}, "s"}, "empty": map[string]interface{}{}}
	keys["yes"] = "key that needs quoting"
	keys["lists"] = []interface{}{[]interface{}{"a", []interface{}{"b"}}, []interface{}{}, map[string]interface{}{}, "z"}
	keys["007"] = "numeric key"
	keys["a01"] = 1
	keys["a1"] = 2
	keys["a001x"] = 3
	keys["\u00e9t\u00e9"] = 4
	keys["\u00e410"] = 5
	keys["\u00e49"] = 6
	keys["Z"] = 7
	keys["_"] = 8
	keys["key\nbreak"] = 9
	keys["x: y"] = 10
	keys["example.com/a-very-long-label-key-prefix-that-goes-on-and-on-and-on-until-it-is-longer-than-one-hundred-twenty-eight-bytes/name"] = "long"
	keys["example.com/a-very-long-label-key-prefix-that-goes-on-and-on-and-on-until-it-is-longer-than-one-hundred-twenty-eight-bytes/name-x"] = map[string]interface{}{"in": "side"}
	keys["example.com/a-very-long-label-key-prefix-that-goes-on-and-on-and-on-until-it-is-longer-than-one-hundred-twenty-eight-bytes/name-y"] = []interface{}{"a", map[string]interface{}{"b": "c", "d": "e"}}
	keys["example.com/a-very-long-label-key-prefix-that-goes-on-and-on-and-on-until-it-is-longer-than-one-hundred-twenty-eight-bytes/name-z"] = map[string]interface{}{"in": "side", "more": map[string]interface{}{"x": "y"}}
	j, _ := json.Marshal(keys)
	y, err := yaml.JSONToYAML(j)
	if err != nil {
		panic(err)
	}
	os.WriteFile("edge.json", j, 0644)
	os.WriteFile("edge.yaml", y, 0644)
}
