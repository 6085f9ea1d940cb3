"""The canvas: shows the current image or the live preview, with zoom, pan, fit and 1:1."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QImage,
    QMouseEvent,
    QPainter,
    QPixmap,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import QFrame, QGraphicsPixmapItem, QGraphicsScene, QGraphicsView, QLabel

from studio.ui.mask_layer import MaskLayer

MIN_ZOOM = 1 / 32
MAX_ZOOM = 64.0
ZOOM_STEP = 1.25
CHECKER_SIZE = 8


def _checker_brush() -> QBrush:
    tile = QPixmap(CHECKER_SIZE * 2, CHECKER_SIZE * 2)
    tile.fill(QColor(204, 204, 204))
    painter = QPainter(tile)
    dark = QColor(153, 153, 153)
    painter.fillRect(0, 0, CHECKER_SIZE, CHECKER_SIZE, dark)
    painter.fillRect(CHECKER_SIZE, CHECKER_SIZE, CHECKER_SIZE, CHECKER_SIZE, dark)
    painter.end()
    return QBrush(tile)


class CanvasView(QGraphicsView):
    """Zoomable, pannable view of one image.

    Transparency shows as a checkerboard that stays the same size on screen. Enlarged images
    are drawn with nearest-neighbour sampling so small sprites stay crisp; reduced ones are
    smoothed. New images are fitted to the view until the user picks a zoom of their own.
    """

    zoom_changed = Signal(float)
    # (mask before the stroke, mask after it): one undoable step per brush stroke
    mask_stroke_finished = Signal(QImage, QImage)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("canvas")
        self._scene = QGraphicsScene(self)
        self.setScene(self._scene)
        self._item = QGraphicsPixmapItem()
        self._scene.addItem(self._item)
        # The 3x3 tiled view: the image repeated around itself, behind the real one, so the
        # centre tile stays the editable image (the mask paints on it as usual).
        self._tiles = QGraphicsPixmapItem()
        self._tiles.setZValue(-1)
        self._tiles.setVisible(False)
        self._scene.addItem(self._tiles)
        self._tiled_view = False
        self._stroke_before: QImage | None = None
        mask_item = QGraphicsPixmapItem()
        self._scene.addItem(mask_item)
        self.mask_layer = MaskLayer(mask_item)
        self._mask_mode = False
        self._last_paint: QPointF | None = None
        self._image: QImage | None = None
        self._showing_preview = False
        self._fit_mode = True
        self._checker = _checker_brush()
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setBackgroundBrush(QColor(48, 48, 52))
        self._empty_label = QLabel(self.viewport())
        self._empty_label.setObjectName("canvasEmptyState")
        self._empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._empty_label.setWordWrap(True)
        self._empty_label.setStyleSheet("color: #c8c8c8; font-size: 14px;")
        self.set_empty_message("Type a prompt and press Ctrl+Enter to generate.")

    # -- content ----------------------------------------------------------------------------

    def set_image(self, image: QImage | None) -> None:
        """Show a finished image (``None`` clears the canvas)."""
        self._image = None if image is None or image.isNull() else image
        self._showing_preview = False
        if self._image is None:
            self._item.setPixmap(QPixmap())
        else:
            self._set_pixmap(QPixmap.fromImage(self._image))
            self.mask_layer.resize(self._image.size())
        self._update_empty_state()

    def show_preview(self, preview: QImage, target: QSize) -> None:
        """Show a low-resolution live preview stretched to the size of the coming image."""
        scaled = preview.scaled(
            target,
            Qt.AspectRatioMode.IgnoreAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
        self._showing_preview = True
        self._set_pixmap(QPixmap.fromImage(scaled))
        self._update_empty_state()

    def end_preview(self) -> None:
        """Drop a preview that will not become an image (cancel, failure); show the last one."""
        if self._showing_preview:
            self.set_image(self._image)

    def image(self) -> QImage | None:
        """The finished image on the canvas (never the preview)."""
        return self._image

    @property
    def showing_preview(self) -> bool:
        return self._showing_preview

    def set_empty_message(self, text: str) -> None:
        self._empty_label.setText(text)
        self._update_empty_state()

    def empty_message(self) -> str:
        return self._empty_label.text()

    def is_empty_state_visible(self) -> bool:
        return not self._empty_label.isHidden()

    # -- mask painting ----------------------------------------------------------------------

    def set_mask_mode(self, enabled: bool) -> None:
        """Left-drag paints the mask instead of panning; the wheel still zooms."""
        self._mask_mode = enabled
        self.setDragMode(
            QGraphicsView.DragMode.NoDrag if enabled else QGraphicsView.DragMode.ScrollHandDrag
        )
        self.viewport().setCursor(
            Qt.CursorShape.CrossCursor if enabled else Qt.CursorShape.OpenHandCursor
        )

    @property
    def mask_mode(self) -> bool:
        return self._mask_mode

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self._mask_mode and event.button() == Qt.MouseButton.LeftButton and self._image:
            self._stroke_before = self.mask_layer.snapshot()
            self._last_paint = self.mapToScene(event.position().toPoint())
            self.mask_layer.paint(self._last_paint, self._last_paint)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._mask_mode and self._last_paint is not None:
            point = self.mapToScene(event.position().toPoint())
            self.mask_layer.paint(self._last_paint, point)
            self._last_paint = point
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._last_paint is not None:
            self._last_paint = None
            before, after = self._stroke_before, self.mask_layer.snapshot()
            self._stroke_before = None
            if before is not None and after is not None and before != after:
                self.mask_stroke_finished.emit(before, after)
            event.accept()
            return
        super().mouseReleaseEvent(event)

    # -- tiled view -------------------------------------------------------------------------

    def set_tiled_view(self, enabled: bool) -> None:
        """Show the image repeated 3x3 (the centre is the image) to judge a seam by eye."""
        self._tiled_view = enabled
        self._update_tiles()
        if self._fit_mode:
            self._apply_fit()

    @property
    def tiled_view(self) -> bool:
        return self._tiled_view

    def _update_tiles(self) -> None:
        pixmap = self._item.pixmap()
        show = self._tiled_view and not pixmap.isNull()
        self._tiles.setVisible(show)
        # Only the 3x3 picture is drawn while tiled: two scaled copies of the centre would
        # filter their borders differently and draw a faint frame that is not in the image.
        self._item.setOpacity(0.0 if show else 1.0)
        if not show:
            self._tiles.setPixmap(QPixmap())
            self._scene.setSceneRect(QRectF(pixmap.rect()))
            return
        width, height = pixmap.width(), pixmap.height()
        tiled = QPixmap(width * 3, height * 3)
        tiled.fill(Qt.GlobalColor.transparent)
        painter = QPainter(tiled)
        for row in range(3):
            for column in range(3):
                painter.drawPixmap(column * width, row * height, pixmap)
        painter.end()
        self._tiles.setPixmap(tiled)
        self._tiles.setOffset(-width, -height)
        self._scene.setSceneRect(QRectF(-width, -height, width * 3, height * 3))

    # -- zoom -------------------------------------------------------------------------------

    def zoom_factor(self) -> float:
        return self.transform().m11()

    def zoom_in(self) -> None:
        self._zoom_by(ZOOM_STEP)

    def zoom_out(self) -> None:
        self._zoom_by(1 / ZOOM_STEP)

    def actual_size(self) -> None:
        """1:1, one image pixel per screen pixel."""
        self._fit_mode = False
        self._set_zoom(1.0)

    def fit(self) -> None:
        """Fit the whole image in the view and keep fitting new images."""
        self._fit_mode = True
        self._apply_fit()

    def _zoom_by(self, factor: float) -> None:
        self._fit_mode = False
        self._set_zoom(self.zoom_factor() * factor)

    def _set_zoom(self, zoom: float) -> None:
        zoom = max(MIN_ZOOM, min(MAX_ZOOM, zoom))
        self.setTransform(QTransform.fromScale(zoom, zoom))
        self._update_sampling()
        self.zoom_changed.emit(zoom)

    def _apply_fit(self) -> None:
        rect = self._item.boundingRect()
        if self._tiled_view and not rect.isEmpty():
            rect = self._tiles.sceneBoundingRect()
        if rect.isEmpty():
            return
        view = self.viewport().rect()
        zoom = min(view.width() / rect.width(), view.height() / rect.height())
        self._set_zoom(zoom)
        self.centerOn(self._item)

    def _update_sampling(self) -> None:
        # Nearest neighbour when enlarging keeps pixel art crisp; smoothing when reducing.
        mode = (
            Qt.TransformationMode.FastTransformation
            if self.zoom_factor() >= 1.0
            else Qt.TransformationMode.SmoothTransformation
        )
        self._item.setTransformationMode(mode)
        self._tiles.setTransformationMode(mode)

    # -- internals --------------------------------------------------------------------------

    def _set_pixmap(self, pixmap: QPixmap) -> None:
        size_changed = pixmap.size() != self._item.pixmap().size()
        self._item.setPixmap(pixmap)
        self._scene.setSceneRect(QRectF(pixmap.rect()))
        self._update_tiles()
        if self._fit_mode or size_changed:
            if size_changed and not self._fit_mode:
                self.centerOn(self._item)
            if self._fit_mode:
                self._apply_fit()
        self._update_sampling()

    def _update_empty_state(self) -> None:
        empty = self._item.pixmap().isNull()
        self._empty_label.setVisible(empty)
        self._place_empty_label()

    def _place_empty_label(self) -> None:
        margin = 32
        self._empty_label.setGeometry(
            self.viewport().rect().adjusted(margin, margin, -margin, -margin)
        )

    def drawBackground(self, painter: QPainter, rect: QRectF | QRect) -> None:
        super().drawBackground(painter, rect)
        rect = QRectF(rect)
        image_rect = self._item.sceneBoundingRect()
        if self._item.pixmap().isNull() or not image_rect.intersects(rect):
            return
        painter.save()
        # Counter the view scale so the checks stay CHECKER_SIZE screen pixels whatever the zoom.
        brush = QBrush(self._checker)
        zoom = self.zoom_factor() or 1.0
        brush.setTransform(QTransform.fromScale(1 / zoom, 1 / zoom))
        painter.fillRect(image_rect.intersected(rect), brush)
        painter.restore()

    def wheelEvent(self, event: QWheelEvent) -> None:
        delta = event.angleDelta().y()
        if delta == 0:
            return
        self._zoom_by(ZOOM_STEP if delta > 0 else 1 / ZOOM_STEP)
        event.accept()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._place_empty_label()
        if self._fit_mode:
            self._apply_fit()
