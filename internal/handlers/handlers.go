// Package handlers is Claimdesk's HTTP surface: every route and middleware
// is registered in New; handlers parse input, call the store and render.
package handlers

import (
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/claimdesk/claimdesk/internal/mail"
	"github.com/claimdesk/claimdesk/internal/store"
	"github.com/claimdesk/claimdesk/static"
	"github.com/claimdesk/claimdesk/views"
)

// Deps are what the handlers need from the outside.
type Deps struct {
	Store         *store.Store
	Log           *slog.Logger
	Assets        *static.Assets
	BaseURL       string // public origin, e.g. https://claims.example.org
	SecureCookies bool
	FetchTimeout  time.Duration
	// TrustedProxies are the proxies whose X-Forwarded-For is believed
	// (CLAIMDESK_TRUSTED_PROXIES); none means the socket's address is the client's.
	TrustedProxies []*net.IPNet
	Mail           *mail.Outbox // nil or off: links are shown, no mail is queued
}

type handler struct {
	store         *store.Store
	log           *slog.Logger
	assets        *static.Assets
	baseURL       string
	secureCookies bool
	fetchTimeout  time.Duration
	mail          *mail.Outbox
	pages         *pageCache[views.ArticleParts] // rendered reading-page parts
	claimLists    *pageCache[jsonBody]           // encoded GET /api/v1/articles/{id}/claims
	texts         *pageCache[indexedText]        // articles' indexed texts, for marking (texts.go)
	matcher       *store.Matcher                 // "checked before?": the matching index
}

// Limits on request bodies.
const maxBodyBytes = "6M" // a 5 MB upload plus the form around it

// New returns the application's HTTP handler with every route.
func New(d Deps) *echo.Echo {
	h := &handler{store: d.Store, log: d.Log, assets: d.Assets, baseURL: strings.TrimRight(d.BaseURL, "/"),
		secureCookies: d.SecureCookies, fetchTimeout: d.FetchTimeout, mail: d.Mail,
		pages: newPageCache[views.ArticleParts](pageCacheBytes), claimLists: newPageCache[jsonBody](pageCacheBytes),
		texts: newPageCache[indexedText](textCacheBytes), matcher: d.Store.NewMatcher()}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	if h.fetchTimeout == 0 {
		h.fetchTimeout = 15 * time.Second
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = h.handleError
	e.IPExtractor = clientIP(d.TrustedProxies) // clientip.go

	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{DisableStackAll: true, LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
		h.log.Error("panic", "err", err, "stack", string(stack))
		return err
	}}))
	e.Use(middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogMethod: true, LogURI: true, LogStatus: true, LogLatency: true, HandleError: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			h.log.LogAttrs(c.Request().Context(), slog.LevelInfo, "request",
				slog.String("method", v.Method), slog.String("uri", v.URI),
				slog.Int("status", v.Status), slog.Duration("latency", v.Latency))
			return nil
		},
	}))
	e.Use(compressResponses) // compress.go
	e.Use(securityHeaders)
	e.Use(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: maxBodyBytes, Skipper: isFactCheckImport}))
	e.Use(factCheckImportLimit) // 5 MiB, and a 413 pointing to the command line
	e.Use(bodyTooLarge)         // bodylimit.go: a chunked body over the limit is a 413 too
	e.Use(refuseNUL)

	e.GET("/healthz", h.health)
	e.GET("/static/*", echo.WrapHandler(d.Assets))

	// Pages. loadSession finds the signed-in user; csrf guards every unsafe method.
	pages := e.Group("", h.loadSession, h.csrf)
	pages.GET("/", h.home)
	pages.GET("/setup", h.setupForm)
	pages.POST("/setup", h.setup)
	pages.GET("/login", h.loginForm)
	pages.POST("/login", h.login)
	pages.POST("/logout", h.logout)
	pages.GET("/claims/:id", h.showClaim) // public once published; see publicClaim

	signedIn := pages.Group("", h.requireSession)
	signedIn.GET("/articles", h.listArticles)
	signedIn.GET("/articles/new", h.newArticleForm)
	signedIn.POST("/articles", h.createArticle)
	signedIn.GET("/articles/:id", h.showArticle)
	signedIn.POST("/articles/:id/claims", h.markClaim)
	signedIn.POST("/claims/:id", h.editClaim)
	signedIn.POST("/claims/:id/delete", h.deleteClaim)
	signedIn.GET("/claimants.json", h.claimantOptions)
	signedIn.GET("/account", h.account)
	signedIn.POST("/account/tokens", h.createToken)
	signedIn.POST("/account/tokens/:id/revoke", h.revokeToken)
	signedIn.GET("/admin/settings", h.settings)
	signedIn.POST("/admin/settings", h.saveSettings)

	// JSON API: bearer tokens only.
	api := e.Group("/api/v1", h.requireToken)
	api.POST("/articles", h.apiCreateArticle)
	api.GET("/articles", h.apiListArticles)
	api.GET("/articles/:id", h.apiArticle)
	api.POST("/articles/:id/claims", h.apiCreateClaim)
	api.GET("/articles/:id/claims", h.apiArticleClaims)
	api.GET("/claims/:id", h.apiClaim)
	api.PATCH("/claims/:id", h.apiUpdateClaim)
	api.DELETE("/claims/:id", h.apiDeleteClaim)
	api.GET("/verdicts", h.apiVerdicts)
	h.sourceRoutes(signedIn, api)
	h.reviewRoutes(signedIn, api)
	h.exportRoutes(pages, signedIn, api)
	h.publicationRoutes(pages, signedIn, api)
	h.revisionRoutes(signedIn, api)
	h.reanchorRoutes(signedIn, api)
	h.factCheckRoutes(pages, signedIn, api)
	h.accountRoutes(pages, signedIn, api)
	h.matchRoutes(signedIn, api)
	api.Any("/*", func(c echo.Context) error { return echo.ErrNotFound })
	return e
}

func securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		hd := c.Response().Header()
		hd.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		hd.Set("Cross-Origin-Opener-Policy", "same-origin")
		return next(c)
	}
}

func (h *handler) health(c echo.Context) error {
	if err := h.store.Ping(c.Request().Context()); err != nil {
		h.log.Error("health check", "err", err)
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "database unavailable"})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ok", "database": h.store.Dialect()})
}
