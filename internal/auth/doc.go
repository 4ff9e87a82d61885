// Package auth holds sign-in accounts (tài khoản): passwords hashed with argon2id, the
// login throttle that slows and then locks repeated failures per account and per
// address, sessions stored in the database (so any instance serves any user), personal
// access tokens for the API (mã truy cập, shown once, stored hashed) and the one-time
// set-up token that creates the first administrator.
package auth
