package web_test

// disclosureAuthzRules are the rules of the routes of disclosures (see authzRules).
var disclosureAuthzRules = map[string]rule{}
