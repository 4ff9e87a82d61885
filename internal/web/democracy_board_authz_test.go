package web_test

// boardAuthzRules are the rules of the routes of the people's inspection board (see authzRules).
var boardAuthzRules = map[string]rule{}
