from django.db import models


class Category(models.Model):
    name = models.CharField(max_length=100)

    def __str__(self):
        return self.name


class Item(models.Model):
    title = models.CharField(max_length=200)
    summary = models.TextField()
    category = models.ForeignKey(Category, on_delete=models.CASCADE)
    starts_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return self.title
