package web_test

// democracyOverviewAuthzRules are the rules of the routes of the module's home and the subtree overview (see authzRules).
var democracyOverviewAuthzRules = map[string]rule{}
