package remote

import (
	"context"
	"net/http"
	"net/url"
	"strings"
)

// User is what the API shows of a user (email and is_admin only to the
// user and to administrators).
type User struct {
	ID          int64  `json:"id"`
	Username    string `json:"username"`
	Email       string `json:"email"`
	PublicEmail string `json:"public_email"`
	IsAdmin     bool   `json:"is_admin"`
}

// CurrentUser is the token's user: GET /user.
func (c *Client) CurrentUser(ctx context.Context) (User, error) {
	var u User
	return u, c.call(ctx, http.MethodGet, "/user", &u)
}

// UserByEmail finds the user whose e-mail or public e-mail is email (as
// an administrator's import maps members), searching GET /users?search=
// page after page; ok is false when none has it. A server that ignores
// search lists every user, which this reads through as well.
func (c *Client) UserByEmail(ctx context.Context, email string) (u User, ok bool, err error) {
	for page := "1"; page != ""; {
		var list []User
		h, err := c.request(ctx, http.MethodGet, "/users?per_page=100&search="+url.QueryEscape(email)+"&page="+page, nil, &list)
		if err != nil {
			return User{}, false, err
		}
		for _, u := range list {
			if strings.EqualFold(u.Email, email) || strings.EqualFold(u.PublicEmail, email) {
				return u, true, nil
			}
		}
		page = h.Get("X-Next-Page")
	}
	return User{}, false, nil
}
