package web_test

// conferenceAuthzRules are the rules of the routes of the annual staff conference (see authzRules).
var conferenceAuthzRules = map[string]rule{}
